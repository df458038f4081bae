/* A form marked data-guard asks before typed work is left: a link, another form's button, or
   closing the tab. (The plan page's section forms have their own guard, plans.js.) */
(function () {
  "use strict";
  function value(form) { return new URLSearchParams(new FormData(form)).toString(); }
  function dirty() {
    return Array.prototype.filter.call(document.querySelectorAll("form[data-guard]"), function (f) {
      return f.__initial !== undefined && value(f) !== f.__initial;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-guard]").forEach(function (f) {
      f.__initial = value(f);
      f.addEventListener("submit", function () { f.__initial = value(f); });
    });
  });
  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("a[href], button");
    if (!target || (target.form && target.form.hasAttribute("data-guard"))) return;
    if (target.matches("a[href]") && (target.getAttribute("href") || "").charAt(0) === "#") return;
    if (target.matches("button") && !target.form) return;
    if (!dirty().length) return;
    if (!window.confirm("You have typed changes that are not saved. Leave them?")) {
      event.preventDefault();
      event.stopPropagation();
    } else {
      dirty().forEach(function (f) { f.__initial = value(f); });
    }
  }, true);
  window.addEventListener("beforeunload", function (event) {
    if (dirty().length) { event.preventDefault(); event.returnValue = ""; }
  });
})();
