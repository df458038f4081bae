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
    // The first field to fix, else the conflict's choice, else the first field.
    var first = form.querySelector("[aria-invalid=true]") || form.querySelector(".conflict button") ||
      form.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
  }

  document.addEventListener("htmx:load", function (event) {
    drawCharts(event.detail.elt);
    focusForm(event.detail.elt);
  });
  document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
  window.addEventListener("load", function () { drawCharts(document); });

  // --- Typed work is never thrown away without asking -------------------------------------
  // A section form is dirty when its fields differ from how it opened, or when it came back
  // from a refused save (conflict, invalid: data-unsaved). Esc, Cancel, a link, another form's
  // submit and closing the tab ask first while any form is dirty.
  // ``served``: the values the form was served with (the elements' defaults), whenever it is
  // taken; otherwise what the fields hold now. The first snapshot of a form uses the defaults,
  // so typing that begins before the form's load event is still typing.
  function snapshot(form, served) {
    var parts = [];
    form.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.closest("template")) return;
      if (el.type === "checkbox" || el.type === "radio") {
        parts.push(el.name + "=" + (served ? el.defaultChecked : el.checked));
      } else if (el.tagName === "SELECT") {
        var chosen = Array.prototype.filter.call(el.options, function (o) {
          return served ? o.defaultSelected : o.selected;
        });
        if (served && !el.multiple && !chosen.length && el.options.length) chosen = [el.options[0]];
        parts.push(el.name + "=" + chosen.map(function (o) { return o.value; }).join(","));
      } else parts.push(el.name + "=" + (served ? el.defaultValue : el.value));
    });
    return parts.join("\u0001");
  }
  function remember(root) {
    var forms = [];
    if (root.matches && root.matches("form.section-form")) forms.push(root);
    if (root.querySelectorAll) root.querySelectorAll("form.section-form").forEach(function (f) { forms.push(f); });
    forms.forEach(function (form) { if (form.__initial === undefined) form.__initial = snapshot(form, true); });
  }
  function isDirty(form) {
    if (form.dataset.unsaved === "true") return true;
    var initial = form.__initial !== undefined ? form.__initial : snapshot(form, true);
    return snapshot(form) !== initial;
  }
  function dirtyForms() {
    return Array.prototype.filter.call(document.querySelectorAll("form.section-form"), isDirty);
  }
  function askDiscard(forms) {
    var titles = forms.map(function (f) { return f.dataset.title || "this section"; }).join(", ");
    return window.confirm("Discard your unsaved changes to " + titles + "?");
  }
  // Exposed for tests and other scripts: whether the page holds unsaved typing.
  window.accountplanDirtyForms = dirtyForms;

  document.addEventListener("htmx:load", function (event) { remember(event.detail.elt); });
  document.addEventListener("DOMContentLoaded", function () { remember(document); });

  // Esc in a section form cancels the edit, asking first if something was typed.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var form = event.target.closest && event.target.closest("form.section-form");
    if (!form) return;
    var cancel = form.querySelector("button.cancel");
    if (!cancel) return;
    event.preventDefault();
    if (isDirty(form) && !askDiscard([form])) return;
    form.dataset.unsaved = "";
    form.__initial = snapshot(form);  // confirmed: the Cancel click below must not ask again
    // A form swapped in a moment ago may not be wired by htmx yet (its load runs after the
    // settle delay): wire it now so the Cancel click always reaches the server.
    if (window.htmx) window.htmx.process(form);
    cancel.click();
  });

  // Cancel, links and other forms' buttons: ask before dropping typed work (capture phase, so
  // htmx and the browser never see a click the user took back).
  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("button.cancel, a[href], button[type=submit], button:not([type])");
    if (!target) return;
    var forms;
    if (target.matches("button.cancel")) {
      var own = target.closest("form.section-form");
      forms = own && isDirty(own) ? [own] : [];
    } else if (target.matches("a[href]")) {
      var href = target.getAttribute("href") || "";
      if (href.charAt(0) === "#" || target.target === "_blank" || target.hasAttribute("download")) return;
      forms = dirtyForms();
    } else {
      // A submit button of a form other than a section form (status, clone) leaves the page.
      if (target.closest("form.section-form")) return;
      forms = dirtyForms();
    }
    if (!forms.length) return;
    if (!askDiscard(forms)) {
      event.preventDefault();
      event.stopPropagation();
      return;
    }
    forms.forEach(function (f) { f.dataset.unsaved = ""; f.__initial = snapshot(f); });
  }, true);

  // Closing the tab, reloading, typing another address: the browser's own "leave site?" prompt.
  window.addEventListener("beforeunload", function (event) {
    if (!dirtyForms().length) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // "Use theirs" in a conflict: put the other person's value into that field.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.use-theirs");
    if (!button) return;
    var form = button.closest("form.section-form");
    var value = JSON.parse(button.dataset.value);
    form.querySelectorAll("[name='" + button.dataset.field + "']").forEach(function (el) {
      if (el.type === "checkbox") el.checked = !!value;
      else if (el.multiple) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = value.indexOf(o.value) >= 0; });
      } else el.value = value;
      el.dispatchEvent(new Event("change", { bubbles: true }));
    });
    button.closest("tr").classList.add("resolved-theirs");
    button.textContent = "Using theirs";
    button.disabled = true;
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
