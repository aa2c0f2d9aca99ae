/* What the learner sees of their training record: one status panel, built on the runtime's
 * status hook (status.js), in three states:
 *   recorded      the record store acknowledged everything this page sent;
 *   waiting       answers are saved in this browser and not acknowledged yet (counted in
 *                 answers, not statements: a module's result adds three statements);
 *   not recorded  nothing will be recorded as things stand, and what to do about it.
 * The panel is one live region (role=status, aria-live=polite) at the top of every course
 * page, where the runtime's status slot is, and a copy in the module's result box (not a live
 * region: one announcement is enough). It also says whose personal link is active, and once
 * every module of a course is passed in this cycle, that the course is complete, with the
 * certificate (certificate.js).
 */
import { onStatus } from "./status.js";
import { getJSON, keysWith, setJSON } from "./storage.js";
import { QUEUE_PREFIX, ownerHash } from "./outbox.js";
import { LAUNCH_KEY } from "./launch.js";
import { cycleOf } from "./cycle.js";
import { DEFAULTS, readProfile } from "./profile.js";
import { certificateUrl, completionOf, currentLearner, rememberCompletion } from "./certificate.js";

const PASSES = "isdp.learner-passes.v1";  // learner -> cycle -> course -> module -> attempt
const P = { ...DEFAULTS, ...(readProfile() || {}) };
const TITLES = { recorded: "Recorded", waiting: "Waiting to be sent", "not-recorded": "Not recorded" };

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) { node.className = className; }
  if (text) { node.textContent = text; }
  return node;
}
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

/* Answers (answered statements) still in the outbox: this learner's, or without a launch
   everybody's (kept from an earlier visit). */
export function waiting(storage, launch, verbs = {}) {
  const prefix = launch && launch.key ? `${QUEUE_PREFIX}${ownerHash(launch.key)}.` : QUEUE_PREFIX;
  const found = { answers: 0, results: 0, stored: 0 };
  for (const key of keysWith(storage, prefix)) {
    found.stored += 1;
    const verb = ((getJSON(storage, key) || {}).statement || {}).verb;
    const id = verb && verb.id;
    if (id && id === verbs.answered) { found.answers += 1; }
    if (id && (id === verbs.passed || id === verbs.failed)) { found.results += 1; }  // a module's result
  }
  return found;
}

/* The learner's words for a status report: {state, title, text, todo}. */
export function describe(report, { answers = 0, results = 0, stored = null, learner = null } = {}) {
  const state = report.state;
  const who = learner ? `employee ${learner.key}${learner.lea ? ` (district LEA code ${learner.lea})` : ""}` : null;
  if (state === "recorded") {
    return { state, title: TITLES.recorded, text: report.pending === 0 && /^Recorded/.test(report.text)
      ? "Your training record has every answer you checked on this page." : report.text, todo: "" };
  }
  if (state === "waiting") {
    if (!report.pending) {
      return { state, title: who ? "Personal link active" : "Ready to record", ready: true, text: who
        ? `Your personal link is active for ${who}. Each answer you check is saved in this browser, then sent to your training record.`
        : report.text, todo: "" };
    }
    if (stored !== null && report.pending > stored) {
      // Storage refused them (full or disabled): the outbox keeps them in this tab's memory.
      return { state, title: "Not recorded yet", text: "This browser's storage is full or disabled, so " +
        "your latest answers are kept in this tab only while they are sent.",
      todo: "Keep this tab open until this says Recorded: closing it now would lose them. Then free " +
        "some space in this browser (or use another one) before your next module." };
    }
    const result = results > 0;
    const what = !answers ? (result ? "Your module result is" : "Your progress is")
      : `${plural(answers, "answer")}${result ? " and your module result" : ""} ${answers === 1 && !result ? "is" : "are"}`;
    const offline = /cannot be reached/.test(report.text);
    return { state, title: TITLES.waiting,
      text: `${what} saved in this browser and not yet in your training record${offline ? ": the record cannot be reached right now" : ""}.`,
      todo: "They are sent automatically; you can keep working. Do not clear this browser's data " +
        "until this says Recorded. If you close the tab, open your personal link again later on this device to send them." };
  }
  if (report.mode === "practice" && /^Practice mode/.test(report.text)) {
    const kept = answers ? ` ${plural(answers, "answer")} from an earlier visit ${answers === 1 ? "is" : "are"} kept in this browser and will be sent then.` : "";
    return { state: "not-recorded", title: TITLES["not-recorded"],
      text: "Practice mode: this tab was not opened from your personal training link, so your answers here are not recorded. You can still practise.",
      todo: "To record: open the personal link you received by email again (a bookmark or a new tab does not carry it), or launch the course from your learning system." + kept };
  }
  return { state: "not-recorded", title: TITLES["not-recorded"], text: report.text, todo: "" };
}

function render(panel, words, { live, base }) {
  panel.className = `${base} isdp-status isdp-status-${words.ready ? "ready" : words.state}`;
  panel.setAttribute("data-isdp-state", words.state);
  if (live) {
    panel.setAttribute("role", "status");
    panel.setAttribute("aria-live", "polite");
  }
  // Spans (shown as lines): the result box's slot is a paragraph.
  const parts = [el("span", "isdp-status-title", words.title), el("span", "isdp-status-text", words.text)];
  if (words.todo) { parts.push(el("span", "isdp-status-todo", words.todo)); }
  const same = panel.childElementCount === parts.length &&
    parts.every((p, i) => panel.children[i].textContent === p.textContent);
  if (!same) { panel.replaceChildren(...parts); }  // no repeat announcement for the same words
}

/* ---------------------------------------------------------------- course completion */
function passes(storage) { return getJSON(storage, PASSES) || {}; }

/* Note a passed module of this learner; returns the completion when it completes the course. */
export function notePass(storage, learner, d, registration, when, modules) {
  const cycle = cycleOf(when, P.cycle_start_month, P.timeZone);
  const all = passes(storage);
  const course = (((all[learner.key] = all[learner.key] || {})[cycle] = all[learner.key][cycle] || {})[d.course] =
    all[learner.key][cycle][d.course] || {});
  if (!course[d.module]) { course[d.module] = { registration, at: when }; }  // the first pass counts
  setJSON(storage, PASSES, all);
  if (!modules.every((m) => course[m])) { return null; }
  return rememberCompletion(storage, { learner: learner.key, course: d.course, cycle, registration,
    completedAt: when, lea: learner.lea });
}

function completionBox(completion, report, pageUrl) {
  const box = el("div", "isdp-course-complete");
  // Nothing of this learner left in the browser: all of it is acknowledged.
  const counts = report && (report.state === "recorded" || (report.state === "waiting" && !report.pending));
  box.append(el("p", "isdp-course-complete-title", "Course complete"),
    el("p", "", `You passed every module of this course in the ${completion.cycle} training cycle. ${counts
      ? "Your training record has it: the course counts toward your annual training."
      : "It counts once your answers are recorded (see the status above)."}`));
  const actions = el("p", "isdp-course-complete-actions");
  const a = el("a", "isdp-certificate-link", "Print your certificate of completion");
  a.href = certificateUrl(pageUrl, completion.course);
  actions.append(a);
  box.append(actions);
  return box;
}

/* ---------------------------------------------------------------- wiring */
function start() {
  const learner = currentLearner();
  const launch = getJSON(sessionStorage, LAUNCH_KEY);
  let report = null;
  let completedAttempt = null;

  if (document.querySelector("[data-isdp-certificate-page]")) { return; }  // it says its own
  // The page's status slot (module pages), or one at the top of a course or the course list.
  let slots = Array.from(document.querySelectorAll("[data-isdp-tracking-status]"));
  if (!slots.length) {
    const heading = document.querySelector("article h1");
    if (!heading) { return; }
    const slot = el("div", "isdp-tracking-status");
    slot.setAttribute("data-isdp-tracking-status", "");
    heading.after(slot);
    slots = [slot];
  }
  for (const slot of slots) { slot.setAttribute("data-isdp-status-panel", ""); }
  const course = (document.querySelector("[data-isdp-quiz-result]") || {}).dataset || {};
  const courseId = course.isdpCourse || (document.querySelector("[data-isdp-progress-course]") || { dataset: {} })
    .dataset.isdpProgressCourse;
  const onCoursePage = !!document.querySelector(".isdp-module-list");

  function completion() {
    if (!learner || !courseId) { return null; }
    return completionOf(localStorage, learner.key, courseId, cycleOf(new Date(), P.cycle_start_month, P.timeZone));
  }

  function paint() {
    if (!report) { return; }
    const words = describe(report, { ...waiting(localStorage, launch, P.verbs), learner });
    for (const slot of slots) { render(slot, words, { live: true, base: "isdp-tracking-status" }); }
    // The result box: the quiz's "recorded" line of the attempt just completed becomes a copy
    // of the panel (inside the result's own live region, so not a second one). "Recorded"
    // there needs this attempt's result acknowledged (report.lastQueued).
    for (const line of document.querySelectorAll("[data-isdp-quiz-result] [data-isdp-recorded]")) {
      line.setAttribute("data-isdp-status-panel", "");
      const early = report.state === "recorded" && completedAttempt && report.lastQueued !== completedAttempt;
      render(line, early ? { state: "waiting", title: TITLES.waiting,
        text: "Your module result is being sent to your training record.", todo: "" } : words,
      { live: false, base: "isdp-recorded isdp-result-status" });
    }
    const done = completion();
    const host = onCoursePage ? slots[0] : document.querySelector("[data-isdp-quiz-result]");
    if (done && host && (onCoursePage || host.querySelector(".isdp-score"))) {
      const old = document.querySelector(".isdp-course-complete");
      const box = completionBox(done, report, window.location.href);
      if (!old) { host.after(box); } else if (old.textContent !== box.textContent) { old.replaceWith(box); }
    }
  }

  onStatus((r) => { report = r; paint(); });
  document.addEventListener("isdp:module-completed", (e) => {
    const d = e.detail || {};
    completedAttempt = d.attempt;
    const modules = P.courses && P.courses[d.course];
    if (learner && d.passed && modules) {
      notePass(localStorage, learner, d, (launch && launch.registration) || d.attempt,
        new Date().toISOString(), modules);
    }
    setTimeout(paint, 0);  // after the quiz has written its result
  });
}

if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
