/* Plan drafts: "Discard" removes the draft panel (nothing was saved); Esc in a sentence hides
   its evidence until the next hover or focus. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-draft-discard]");
    if (!button) return;
    var panel = button.closest(".draft-panel");
    var section = panel && panel.closest(".plan-section");
    if (panel) panel.remove();
    var focus = section ? section.querySelector(".draft-btn") : document.querySelector("[data-draft-plan]");
    if (focus) focus.focus();
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var entry = event.target.closest && event.target.closest(".draft-entry");
    if (entry) entry.classList.add("evidence-hidden");
  });
  document.addEventListener("focusin", function (event) {
    var entry = event.target.closest && event.target.closest(".draft-entry");
    if (entry && event.target.classList.contains("draft-sentence")) entry.classList.remove("evidence-hidden");
  });
})();
