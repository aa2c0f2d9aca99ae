/* Course completion, for status-panel.js (which loads it only once it can matter: a module
 * passed on this page, or a course's own page). A learner's module passes are kept per
 * cycle; when every module of the course is passed, the completion is kept (completion.js)
 * with the registration of the attempt that completed it, and a confirmation links the
 * certificate. */
import { getJSON, setJSON } from "./storage.js";
import { cycleOf } from "./cycle.js";
import { certificateUrl, completionOf, rememberCompletion } from "./completion.js";

const PASSES = "isdp.learner-passes.v1";  // learner -> cycle -> course -> module -> attempt

/* Note a passed module of this learner; returns the completion when it completes the course. */
export function notePass(storage, P, learner, d, registration, when) {
  const modules = (P.courses || {})[d.course];
  if (!modules) { return null; }
  const cycle = cycleOf(when, P.cycle_start_month, P.timeZone);
  const all = getJSON(storage, PASSES) || {};
  const mine = ((all[learner.key] = all[learner.key] || {})[cycle] = all[learner.key][cycle] || {});
  const course = (mine[d.course] = mine[d.course] || {});
  if (!course[d.module]) { course[d.module] = { registration, at: when }; }  // the first pass counts
  setJSON(storage, PASSES, all);
  if (!modules.every((m) => course[m])) { return null; }
  return rememberCompletion(storage, { learner: learner.key, course: d.course, cycle, registration,
    completedAt: when, lea: learner.lea });
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text || "";
  return node;
}

/* The confirmation after `host`, when this learner completed `course` in the current cycle. */
export function showCompletion(storage, P, learner, course, report, host) {
  const done = completionOf(storage, learner.key, course, cycleOf(new Date(), P.cycle_start_month, P.timeZone));
  if (!done) { return; }
  // Nothing of this learner left in the browser: all of it is acknowledged.
  const counts = report.state === "recorded" || (report.state === "waiting" && !report.pending);
  const box = el("div", "isdp-course-complete");
  const link = el("a", "isdp-certificate-link", "Print your certificate of completion");
  link.href = certificateUrl(window.location.href, course);
  const actions = el("p", "isdp-course-complete-actions");
  actions.append(link);
  box.append(el("p", "isdp-course-complete-title", "Course complete"),
    el("p", "", `You passed every module of this course in the ${done.cycle} training cycle. ${counts
      ? "Your training record has it: the course counts toward your annual training."
      : "It counts once your answers are recorded (see the status above)."}`), actions);
  const old = document.querySelector(".isdp-course-complete");
  if (!old) { host.after(box); } else if (old.textContent !== box.textContent) { old.replaceWith(box); }
}
