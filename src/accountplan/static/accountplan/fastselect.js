/* FastSelect: a select among many rows, filled from a JSON endpoint as the user types. */
(function () {
  function attach(box) {
    const search = box.querySelector(".fastselect-search");
    const select = box.querySelector("select");
    const url = box.dataset.fastselectUrl;
    if (!search || !select || !url || box.dataset.ready) return;
    box.dataset.ready = "true";
    let timer = null;
    let asked = 0;
    search.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        const q = search.value.trim();
        if (!q) return;
        const mine = ++asked;
        fetch(url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.json(); })
          .then(function (data) {
            if (mine !== asked) return;  // an older answer arriving late
            const placeholder = select.options[0] && select.options[0].value === "" ? select.options[0] : null;
            select.replaceChildren();
            if (placeholder) select.append(placeholder);
            (data.results || []).forEach(function (row) {
              select.append(new Option(row.label, String(row.id)));
            });
            if (data.results && data.results.length) select.value = String(data.results[0].id);
            box.dataset.count = String((data.results || []).length);
          });
      }, 200);
    });
  }
  function scan(root) { (root || document).querySelectorAll(".fastselect").forEach(attach); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { scan(); });
  else scan();
  document.addEventListener("htmx:afterSwap", function (e) { scan(e.target); });
})();
