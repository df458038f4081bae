// Plan exports: build the file in the background and say so, instead of a page that seems to
// hang while the server renders a PDF or a deck. Without JavaScript the links still download.
(function () {
  "use strict";
  function filenameOf(response, fallback) {
    var header = response.headers.get("Content-Disposition") || "";
    var match = /filename="([^"]+)"/.exec(header);
    return match ? match[1] : fallback;
  }
  function start(link) {
    var menu = link.closest("[data-export-menu]");
    var status = menu && menu.querySelector("[data-export-status]");
    var label = link.getAttribute("data-export");
    if (menu.getAttribute("aria-busy") === "true") return;
    menu.setAttribute("aria-busy", "true");
    link.classList.add("busy");
    if (status) { status.textContent = "Building " + label + "…"; status.dataset.state = "building"; }
    fetch(link.href, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          return response.text().then(function (text) {
            throw new Error(text.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").trim().slice(0, 200) || response.statusText);
          });
        }
        return response.blob().then(function (blob) {
          var a = document.createElement("a");
          a.href = URL.createObjectURL(blob);
          a.download = filenameOf(response, "plan");
          document.body.appendChild(a);
          a.click();
          setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
          if (status) { status.textContent = label + " ready: " + a.download; status.dataset.state = "done"; }
        });
      })
      .catch(function (error) {
        if (status) { status.textContent = "The export failed: " + error.message; status.dataset.state = "failed"; }
      })
      .finally(function () {
        menu.setAttribute("aria-busy", "false");
        link.classList.remove("busy");
      });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-export]");
    if (!link || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    start(link);
  });
})();
