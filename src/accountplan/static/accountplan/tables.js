/* Tables whose wrapper has nothing to scroll sideways are marked "fits" (app.css): the wrapper then
   stops being a scroll box, so the header row sticks under the top bar while the page scrolls.
   Without this script every table still works: it scrolls sideways in its card when too wide. */
(function () {
  "use strict";
  var observer = window.ResizeObserver ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) { measure(entry.target.closest(".table-wrap")); });
  }) : null;

  function measure(wrap) {
    if (!wrap) return;
    var table = wrap.querySelector("table");
    if (!table) return;
    // The table's own width against the room the wrapper has: the same whether or not the
    // wrapper currently scrolls.
    wrap.classList.toggle("fits", table.offsetWidth <= wrap.clientWidth + 1);
  }

  function setup(root) {
    var wraps = root.querySelectorAll ? root.querySelectorAll(".table-wrap") : [];
    wraps.forEach(function (wrap) {
      measure(wrap);
      if (observer && !wrap.dataset.measured) { observer.observe(wrap); observer.observe(wrap.querySelector("table") || wrap); }
      wrap.dataset.measured = "true";
    });
  }

  document.addEventListener("DOMContentLoaded", function () { setup(document); });
  document.addEventListener("htmx:load", function (event) { setup(event.detail.elt.parentNode || document); });
})();
