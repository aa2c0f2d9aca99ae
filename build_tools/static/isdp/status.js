/* The status hook: the one function the runtime calls whenever where a learner's answers
 * stand may have changed. Components built on the runtime (status badge, certificate) listen
 * with onStatus() or the `isdp:status` event instead of reading the outbox.
 *
 * report = { state, text, mode, pending, lastQueued }  (lastQueued: the attempt whose module
 *   result was queued last; "recorded" with lastQueued === an attempt means that attempt's
 *   result is acknowledged)
 *   state "recorded":     the LRS acknowledged everything this page sent
 *   state "waiting":      something is not acknowledged yet (or nothing was sent yet)
 *   state "not-recorded": answers are not going to be recorded (practice, damaged link,
 *                         refused credential, storage refused)
 */
const listeners = [];
let last = null;

export function onStatus(listener) {
  listeners.push(listener);
  if (last) { listener(last); }
}

export function lastStatus() { return last; }

export function status(report, doc = document) {
  last = report;
  for (const node of doc.querySelectorAll("[data-isdp-tracking-status]")) {
    // A node a component renders itself (status-panel.js) keeps its content.
    if (!node.hasAttribute("data-isdp-status-panel") && node.textContent !== report.text) { node.textContent = report.text; }
    node.setAttribute("data-isdp-tracking-mode", report.mode);
    node.setAttribute("data-isdp-pending", String(report.pending));
    node.setAttribute("data-isdp-state", report.state);
  }
  for (const listener of listeners) { listener(report); }
  doc.dispatchEvent(new CustomEvent("isdp:status", { detail: report }));
}
