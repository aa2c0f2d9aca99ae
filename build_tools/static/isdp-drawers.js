/* Keyboard access to furo's two drawers (site navigation, page contents) on narrow screens.
 *
 * furo opens them with <label for="__navigation"> / <label for="__toc"> icons, which the
 * keyboard cannot reach (WCAG 2.1.1; furo pull request 660). Each icon becomes a real
 * <button>: Tab reaches it, Enter or Space opens or closes its drawer and moves focus into
 * it, Escape closes an open drawer and returns focus to the button. isdp.css hides a closed
 * drawer, so Tab never lands on links that are off screen. Without JavaScript the icons stay
 * labels and work with a mouse or touch as before.
 */
(() => {
  "use strict";
  const drawers = { __navigation: ".sidebar-drawer", __toc: ".toc-drawer" };
  const buttons = [];
  let opener = null;

  function sync() {
    for (const button of buttons) {
      const box = document.getElementById(button.dataset.toggles);
      button.setAttribute("aria-expanded", String(box.checked));
    }
  }

  function setOpen(box, open, from) {
    box.checked = open;
    sync();
    if (open) {
      opener = from;
      const controls = document.querySelectorAll(
        `${drawers[box.id]} a[href], ${drawers[box.id]} input:not([type=hidden])`);
      const first = Array.from(controls).find((control) => control.checkVisibility());
      if (first) first.focus();
    } else if (opener) {
      opener.focus();
      opener = null;
    }
  }

  function makeButton(label) {
    const box = document.getElementById(label.htmlFor);
    if (!box || !(box.id in drawers)) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = label.className;
    button.dataset.toggles = box.id;
    button.setAttribute("aria-label", box.getAttribute("aria-label"));
    button.append(...label.childNodes);
    button.addEventListener("click", () => setOpen(box, !box.checked, button));
    label.replaceWith(button);
    buttons.push(button);
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("label.nav-overlay-icon, label.toc-overlay-icon").forEach(makeButton);
    for (const id of Object.keys(drawers)) {
      const box = document.getElementById(id);
      if (box) box.addEventListener("change", sync);
    }
    document.addEventListener("keydown", (event) => {
      if (event.key !== "Escape") return;
      for (const id of Object.keys(drawers)) {
        const box = document.getElementById(id);
        if (box && box.checked) setOpen(box, false, null);
      }
    });
    sync();
  });
})();
