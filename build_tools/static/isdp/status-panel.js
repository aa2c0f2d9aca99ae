/* Where the learner's answers stand (status.js hook): a live region atop each course page, a
 * copy in the result box. Waiting counts answers, not statements. Completion: course-complete.js. */
import { onStatus } from "./status.js";
import { getJSON, keysWith } from "./storage.js";
import { QUEUE_PREFIX, ownerHash } from "./outbox.js";
import { LAUNCH_KEY } from "./launch.js";
import { DEFAULTS, readProfile } from "./profile.js";
import { currentLearner } from "./learner.js";

const P = { ...DEFAULTS, ...(readProfile() || {}) };
const TITLES = { recorded: "Recorded", waiting: "Waiting to be sent", "not-recorded": "Not recorded" };

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) { node.className = className; }
  if (text) { node.textContent = text; }
  return node;
}
const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

/* This learner's queued statements (any learner's without a launch). */
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
      text: "Practice mode: this tab was not opened from your personal training link, so your answers here are not recorded. You can still practice.",
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
  const parts = [el("span", "isdp-status-title", words.title), el("span", "isdp-status-text", words.text)];
  if (words.todo) { parts.push(el("span", "isdp-status-todo", words.todo)); }
  const same = panel.childElementCount === parts.length &&
    parts.every((p, i) => panel.children[i].textContent === p.textContent);
  // No repeat announcement for the same words. A space between the parts: inline spans would
  // otherwise read "RecordedYour ..." (innerText, copy and paste, a screen reader's announcement).
  if (!same) { panel.replaceChildren(...parts.flatMap((part, i) => (i ? [" ", part] : [part]))); }
}

/* ---------------------------------------------------------------- wiring */
function start() {
  const learner = currentLearner();
  const launch = getJSON(sessionStorage, LAUNCH_KEY);
  let report = null;
  let completedAttempt = null;
  let completing = null;  // course-complete.js, loaded once it can matter
  const completion = () => (completing = completing || import("./course-complete.js"));

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

  function paint() {
    if (!report) { return; }
    const words = describe(report, { ...waiting(localStorage, launch, P.verbs), learner });
    for (const slot of slots) { render(slot, words, { live: true, base: "isdp-tracking-status" }); }
    // The result's line: "recorded" once this attempt's result is acknowledged (lastQueued).
    for (const line of document.querySelectorAll("[data-isdp-quiz-result] [data-isdp-recorded]")) {
      line.setAttribute("data-isdp-status-panel", "");
      const early = report.state === "recorded" && completedAttempt && report.lastQueued !== completedAttempt;
      render(line, early ? { state: "waiting", title: TITLES.waiting,
        text: "Your module result is being sent to your training record.", todo: "" } : words,
      { live: false, base: "isdp-recorded isdp-result-status" });
    }
    const host = onCoursePage ? slots[0] : document.querySelector("[data-isdp-quiz-result]");
    if (learner && courseId && host && (onCoursePage || completedAttempt)) {
      const shown = report;
      completion().then((m) => m.showCompletion(localStorage, P, learner, courseId, shown, host));
    }
  }

  onStatus((r) => { report = r; paint(); });
  document.addEventListener("isdp:module-completed", (e) => {
    const d = e.detail || {};
    completedAttempt = d.attempt;
    const when = new Date().toISOString();
    const noted = learner && d.passed ? completion().then((m) =>
      m.notePass(localStorage, P, learner, d, (launch && launch.registration) || d.attempt, when)) : null;
    Promise.resolve(noted).then(() => setTimeout(paint, 0));  // after the quiz has written its result
  });
}

if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
