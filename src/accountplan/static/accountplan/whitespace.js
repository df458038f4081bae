/* The white space map: a click on a row opens the account; hovering a cell loads its figures,
   explanation and peers from /whitespace/cell/ (one small request, kept for the page's life)
   and shows them in a tooltip, instead of the page carrying 5,000 hover texts. */
(function () {
  function setup() {
    const table = document.getElementById("wsmap");
    if (!table) return;
    const url = table.dataset.cellUrl;
    const level = table.dataset.level || "";
    const header = table.querySelector("thead tr");
    const known = new Map();
    const tip = document.createElement("div");
    tip.id = "wsmap-tip";
    tip.className = "wsmap-tip";
    tip.setAttribute("role", "tooltip");
    tip.hidden = true;
    document.body.append(tip);
    let current = null;
    let timer = null;

    // A touch screen has no hover: there a tap on a cell shows its figures (a tap on the
    // account's name still opens it); a mouse click anywhere on the row opens the account.
    let touched = false;
    table.addEventListener("pointerdown", function (e) { touched = e.pointerType === "touch"; });
    table.addEventListener("click", function (e) {
      if (e.target.closest("a")) return;
      const cell = e.target.closest("td.cell");
      if (touched && cell) { current = null; load(cell, 0); return; }
      const row = e.target.closest("tr[data-href]");
      if (row) window.location.href = row.dataset.href;
    });

    function place(cell) {
      const box = cell.getBoundingClientRect();
      const width = Math.min(360, window.innerWidth - 16);
      tip.style.maxWidth = width + "px";
      let left = box.right + 8;
      if (left + width > window.innerWidth) left = Math.max(8, box.left - width - 8);
      tip.style.left = left + "px";
      tip.style.top = Math.max(8, Math.min(box.top, window.innerHeight - tip.offsetHeight - 8)) + "px";
    }

    function show(cell, text) {
      if (current !== cell) return;
      // A cell lost to a competitor carries its label on its marker (competitor_losses.py).
      const comp = cell.querySelector(".mk.comp");
      tip.textContent = comp ? comp.dataset.label + "\n" + text : text;
      tip.hidden = false;
      cell.setAttribute("aria-describedby", "wsmap-tip");
      place(cell);
    }

    table.addEventListener("mouseover", function (e) {
      const cell = e.target.closest("td.cell");
      if (!cell || cell === current) return;
      load(cell, 120);
    });

    function load(cell, delay) {
      if (cell.classList.contains("missing")) return;
      current = cell;
      clearTimeout(timer);
      const row = cell.closest("tr");
      const col = header && header.cells[cell.cellIndex];
      if (!row || !col || !col.dataset.item) return;
      const key = row.dataset.account + "\u0000" + col.dataset.item;
      if (known.has(key)) { show(cell, known.get(key)); return; }
      timer = setTimeout(function () {
        const q = "?account=" + encodeURIComponent(row.dataset.account) +
          "&item=" + encodeURIComponent(col.dataset.item) + "&level=" + encodeURIComponent(level);
        fetch(url + q).then(function (r) { return r.ok ? r.text() : ""; }).then(function (text) {
          if (!text) return;
          known.set(key, text);
          show(cell, text);
        });
      }, delay);
    }
    function hide() {
      clearTimeout(timer);
      current = null;
      tip.hidden = true;
    }
    table.addEventListener("mouseleave", hide);
    // The tip is placed on the screen: it goes when the map or the page scrolls under it.
    if (table.parentElement) table.parentElement.addEventListener("scroll", hide, { passive: true });
    window.addEventListener("scroll", hide, { passive: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
