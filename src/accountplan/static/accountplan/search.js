/* The top bar's search box: a combobox (ARIA 1.2) over /search/suggest/. Typing asks for matches
   (debounced; a late answer to an older query is dropped); ArrowDown/ArrowUp move through them,
   Enter opens the one highlighted (or the full results page when none is), Escape closes. */
(function () {
  function attach(form) {
    if (form.dataset.ready) return;
    form.dataset.ready = "true";
    var input = form.querySelector("input[role=combobox]");
    var list = form.querySelector("[role=listbox]");
    var url = form.dataset.suggestUrl;
    var timer = null, asked = 0, active = -1;

    function options() { return list.querySelectorAll("[role=option]"); }
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function highlight(i) {
      var opts = options();
      if (!opts.length) return;
      active = (i + opts.length) % opts.length;
      opts.forEach(function (o, n) { o.setAttribute("aria-selected", n === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    }
    function render(q, results) {
      list.replaceChildren();
      var kind = null;
      results.forEach(function (r, i) {
        if (r.kind !== kind) {
          kind = r.kind;
          var head = document.createElement("li");
          head.className = "gs-group";
          head.setAttribute("role", "presentation");
          head.textContent = r.kind_label;
          list.append(head);
        }
        var li = document.createElement("li");
        li.id = "gs-opt-" + i;
        li.className = "gs-option";
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.dataset.url = r.url;
        li.dataset.kind = r.kind;
        var label = document.createElement("span");
        label.className = "gs-label";
        label.textContent = r.label;
        li.append(label);
        if (r.detail) {
          var detail = document.createElement("span");
          detail.className = "gs-detail";
          detail.textContent = r.detail;
          li.append(detail);
        }
        li.addEventListener("mousedown", function (e) { e.preventDefault(); window.location.href = r.url; });
        list.append(li);
      });
      var all = document.createElement("li");
      all.className = "gs-all";
      all.setAttribute("role", "presentation");
      all.textContent = results.length ? "Enter with nothing highlighted: all results" : "No match for “" + q + "”";
      list.append(all);
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      active = -1;
      input.removeAttribute("aria-activedescendant");
      form.dataset.count = String(results.length);
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (!q) { close(); return; }
      timer = setTimeout(function () {
        var mine = ++asked;
        fetch(url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.json(); })
          .then(function (data) { if (mine === asked) render(q, data.results || []); });
      }, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { e.preventDefault(); if (list.hidden && options().length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); } highlight(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active < 0 ? -1 : active - 1); }
      else if (e.key === "Escape") { if (!list.hidden) { e.preventDefault(); close(); } }
      else if (e.key === "Enter" && active >= 0 && !list.hidden) {
        e.preventDefault();
        window.location.href = options()[active].dataset.url;
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }
  function scan() { document.querySelectorAll("form.global-search").forEach(attach); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
  else scan();
})();
