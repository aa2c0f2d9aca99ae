/* Keyboard access that the theme does not give; see build_tools/site/html/accessibility.py.
 *
 * 1. Drawers. furo's two drawers (site navigation, page contents) on narrow screens open
 * from <label for="__navigation"> / <label for="__toc"> icons, which the keyboard cannot
 * reach (WCAG 2.1.1; furo pull request 660). Each icon becomes a real
 * <button>: Tab reaches it, Enter or Space opens or closes its drawer and moves focus into
 * it, Escape closes an open drawer and returns focus to the button. isdp.css hides a closed
 * drawer, so Tab never lands on links that are off screen. Without JavaScript the icons stay
 * labels and work with a mouse or touch as before.
 *
 * 2. Scrolling boxes. A code block or a wide table that scrolls sideways must be reachable
 * with Tab so that arrow keys can scroll it (WCAG 2.1.1; axe scrollable-region-focusable).
 * Every box in the article that scrolls (overflow auto or scroll, content wider or taller)
 * gets tabindex="0", checked again when the window is resized; a box that no longer scrolls
 * leaves the Tab order again.
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
    markScrollingBoxes();
  });

  function markScrollingBoxes() {
    for (const box of document.querySelectorAll("article *")) {
      const style = getComputedStyle(box);
      const scrolls = (["auto", "scroll"].includes(style.overflowX) && box.scrollWidth > box.clientWidth + 1)
        || (["auto", "scroll"].includes(style.overflowY) && box.scrollHeight > box.clientHeight + 1);
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.tabIndex = 0;
        box.dataset.isdpScrollStop = "";
      } else if (!scrolls && "isdpScrollStop" in box.dataset) {
        box.removeAttribute("tabindex");
        delete box.dataset.isdpScrollStop;
      }
    }
  }

  let pending = false;
  window.addEventListener("resize", () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; markScrollingBoxes(); });
  });
})();
