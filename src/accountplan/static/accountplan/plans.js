/* The plan page: in-place section editing (htmx), charts, add-row, keyboard and confirmations. */
(function () {
  "use strict";

  // A refused save (409 conflict, 422 invalid, 400) comes back as the form to show: swap it.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 409 || status === 422 || status === 400 || status === 403) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // The chart bundle (Vega, ~900 KB) is fetched only once a chart comes near the screen: most
  // visits to a plan read or edit its sections and never scroll to a chart. Its address is in
  // <meta name="vega-bundle"> (plan_detail.html), hashed and cached for a year.
  var bundle = null;
  var watcher = window.IntersectionObserver ? new IntersectionObserver(function (entries) {
    if (entries.some(function (e) { return e.isIntersecting; })) { watcher.disconnect(); loadBundle(); }
  }, { rootMargin: "800px 0px" }) : null;

  function loadBundle() {
    if (bundle || window.vegaEmbed) return;
    var meta = document.querySelector('meta[name="vega-bundle"]');
    if (!meta) return;
    bundle = document.createElement("script");
    bundle.src = meta.content;
    bundle.addEventListener("load", function () { drawCharts(document); });
    document.head.appendChild(bundle);
  }

  function drawCharts(root) {
    if (!window.vegaEmbed) {
      if (!root.querySelectorAll) return;
      root.querySelectorAll(".vl-chart[data-spec]").forEach(function (holder) {
        if (watcher) watcher.observe(holder); else loadBundle();
      });
      return;
    }
    root.querySelectorAll(".vl-chart[data-spec]").forEach(function (holder) {
      if (holder.dataset.ready) return;
      var node = document.getElementById(holder.dataset.spec);
      if (!node) return;
      window.vegaEmbed(holder, JSON.parse(node.textContent), { actions: false, renderer: "svg" })
        .then(function () { holder.dataset.ready = "true"; })
        .catch(function (err) { holder.textContent = "The chart could not be drawn: " + err; });
    });
  }

  function focusForm(root) {
    var form = root.querySelector ? root.querySelector("form.section-form") : null;
    if (!form && root.matches && root.matches(".plan-section.editing")) form = root.querySelector("form");
    if (!form) return;
    var first = form.querySelector(".conflict button, [aria-invalid=true], input:not([type=hidden]), select, textarea");
    if (first) first.focus();
  }

  document.addEventListener("htmx:load", function (event) {
    drawCharts(event.detail.elt);
    focusForm(event.detail.elt);
  });
  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  window.addEventListener("load", function () { drawCharts(document); });

  // Esc in a section form cancels the edit.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var form = event.target.closest && event.target.closest("form.section-form");
    if (!form) return;
    var cancel = form.querySelector("button.cancel");
    if (cancel) { event.preventDefault(); cancel.click(); }
  });

  // "+ Add …": clone the list's template row with the next index.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.add-row");
    if (!button) return;
    var list = button.closest(".item-list");
    var tpl = list.querySelector("template.row-template");
    var index = parseInt(button.dataset.next, 10);
    button.dataset.next = String(index + 1);
    var html = tpl.innerHTML.replace(/__i__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var row = holder.firstElementChild;
    list.querySelector(".item-rows").appendChild(row);
    var first = row.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
  });

  // Buttons with data-confirm ask before submitting (archive, restore).
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) event.preventDefault();
  }, true);
})();
