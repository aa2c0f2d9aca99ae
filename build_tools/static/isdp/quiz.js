/* ISDP quiz runtime. No framework, nothing from another host.
 *
 * The build writes every question as plain HTML (fieldset, legend, native inputs, and the
 * answer in a <details>), so a page reads sensibly without JavaScript. This module adds a
 * "Check answer" button per question, scores the module against its mastery score, offers
 * a retake, keeps this device's progress, and fills the progress slots of course pages.
 * Tracking subscribes to the events below; their names and fields are a contract (see
 * content/editor-guide/courses.md):
 *   isdp:attempt-started, isdp:question-answered, isdp:module-completed
 */
import { DEFAULTS, readProfile } from "./profile.js";
import { currentCycle, progress, record } from "./attempt.js";
import { uuid } from "./uuid.js";

const P = { ...DEFAULTS, ...(readProfile() || {}) };
window.isdpQuiz = { version: 1 };

const all = (selector, root) => Array.from((root || document).querySelectorAll(selector));
const emit = (name, detail) => document.dispatchEvent(new CustomEvent(`isdp:${name}`, { detail }));
const text = (node) => (node ? node.textContent.replace(/\s+/g, " ").trim() : "");
const percent = (scaled) => `${Math.round(scaled * 100)}%`;

function el(tag, className, content) {
  const node = document.createElement(tag);
  if (className) { node.className = className; }
  if (content) { node.textContent = content; }
  return node;
}

function cycleFor(node) {
  const start = parseInt(node.dataset.isdpCycleStart, 10);
  return currentCycle({ ...P, cycle_start_month: start || P.cycle_start_month });
}

function setupModule(result) {
  const d = result.dataset;
  const m = { course: d.isdpCourse, module: d.isdpModule, mastery: parseFloat(d.isdpMastery),
    cycle: cycleFor(result), result, out: result.querySelector("[data-isdp-result-text]"),
    attempt: null, questions: [] };
  for (const q of all(`[data-isdp-quiz][data-isdp-module="${m.module}"]`)) { m.questions.push(setupQuestion(q, m)); }
  result.hidden = false;
  showBest(m);
  return m;
}

function start(m) {
  if (m.attempt) { return; }
  m.attempt = uuid();
  m.startedAt = Date.now();
  emit("attempt-started", { course: m.course, module: m.module, attempt: m.attempt,
    questions: m.questions.map((q) => q.id), masteryScore: m.mastery,
    startedAt: new Date(m.startedAt).toISOString() });
}

function setupQuestion(node, m) {
  const q = { node, id: node.dataset.isdpQuestion, kind: node.dataset.isdpKind,
    correct: node.dataset.isdpCorrect.split(" "), inputs: all("input", node),
    answer: node.querySelector(".isdp-quiz-answer") };
  q.answer.hidden = true;
  q.check = el("button", "isdp-quiz-check", "Check answer");
  q.check.type = "button";
  q.status = el("div", "isdp-quiz-status");
  q.status.setAttribute("role", "status");
  q.status.setAttribute("aria-live", "polite");
  node.querySelector("fieldset").after(q.check, q.status);
  for (const input of q.inputs) { input.addEventListener("change", () => start(m)); }
  q.check.addEventListener("click", () => check(q, m));
  return q;
}

function feedbackText(q, id) {
  const box = q.node.querySelector(`[data-isdp-feedback="${id}"]`);
  return all("p, li", box).slice(1).map(text).join(" ");
}

function check(q, m) {
  const response = q.inputs.filter((i) => i.checked).map((i) => i.value);
  if (!response.length) { q.status.textContent = "Choose an answer first."; return; }
  start(m);
  q.ok = response.length === q.correct.length && response.every((id) => q.correct.includes(id));
  for (const i of q.inputs) { i.disabled = true; }
  for (const li of all(".isdp-quiz-choice", q.node)) {
    const id = li.dataset.isdpChoice;
    const chosen = response.includes(id);
    const right = q.correct.includes(id);
    if (!chosen && !right) { continue; }
    li.classList.add(right ? "isdp-right" : "isdp-wrong");
    li.append(el("span", "isdp-quiz-mark", right ? (chosen ? "Your answer: correct" : "Correct answer")
      : "Your answer: not correct"));
  }
  q.status.textContent = (q.ok ? "Correct. " : "Not correct; the right answer is marked. ") +
    response.map((id) => feedbackText(q, id)).join(" ");
  q.status.className = `isdp-quiz-status ${q.ok ? "isdp-right" : "isdp-wrong"}`;
  q.check.hidden = true;
  q.answer.hidden = false;
  q.answer.open = true;
  q.answer.querySelector("summary").focus();
  emit("question-answered", { course: m.course, module: m.module, attempt: m.attempt,
    question: q.id, kind: q.kind,
    prompt: [text(q.node.querySelector(".isdp-quiz-context")), text(q.node.querySelector(".isdp-quiz-stem"))].join(" ").trim(),
    choices: all(".isdp-quiz-choice", q.node).map((li) => ({ id: li.dataset.isdpChoice, text: text(li.querySelector("label")) })),
    response, correctResponse: q.correct.slice(), correct: q.ok });
  if (m.questions.every((x) => x.ok !== undefined)) { complete(m); }
}

function complete(m) {
  const raw = m.questions.filter((q) => q.ok).length;
  const max = m.questions.length;
  const scaled = Math.round((raw / max) * 10000) / 10000;
  const passed = scaled >= m.mastery;
  emit("module-completed", { course: m.course, module: m.module, attempt: m.attempt,
    score: { raw, max, scaled }, passed, masteryScore: m.mastery, durationMs: Date.now() - m.startedAt });
  record(m.cycle, m.course, m.module, scaled, passed);
  m.out.textContent = "";
  const line = el("p", "isdp-score");
  line.append(el("strong", "", `You answered ${raw} of ${max} questions correctly (${percent(scaled)}).`));
  m.out.append(line, el("p", `isdp-mastery ${passed ? "isdp-right" : "isdp-wrong"}`, passed
    ? `Passed: the pass mark is ${percent(m.mastery)}.`
    : `Not passed yet: the pass mark is ${percent(m.mastery)}. Read the explanations above, then retake the module.`));
  const actions = el("p", "isdp-result-actions");
  const retake = el("button", "isdp-quiz-retake", "Retake this module");
  retake.type = "button";
  retake.addEventListener("click", () => reset(m));
  actions.append(retake);
  link(actions, m.result.dataset.isdpNext, "Next module");
  link(actions, m.result.dataset.isdpCourseUrl, "Course progress");
  m.out.append(actions);
}

function link(parent, href, label) {
  if (!href) { return; }
  const a = el("a", "", label);
  a.href = href;
  parent.append(" ", a);
}

function reset(m) {
  m.attempt = null;
  for (const q of m.questions) {
    q.ok = undefined;
    for (const i of q.inputs) { i.disabled = false; i.checked = false; }
    for (const mark of all(".isdp-quiz-mark", q.node)) { mark.remove(); }
    for (const li of all(".isdp-quiz-choice", q.node)) { li.classList.remove("isdp-right", "isdp-wrong"); }
    q.status.textContent = "";
    q.status.className = "isdp-quiz-status";
    q.check.hidden = false;
    q.answer.open = false;
    q.answer.hidden = true;
  }
  showBest(m);
  if (m.questions.length) { m.questions[0].inputs[0].focus(); }
}

function showBest(m) {
  const best = progress(m.cycle, m.course)[m.module];
  m.out.textContent = `Answer all ${m.questions.length} questions to see your score. ${best
    ? `Your best result on this device this year: ${percent(best.best)}${best.passed ? ", passed." : ", not passed yet."}`
    : ""}`;
}

/* Progress slots on course pages: one module, or a whole course. */
function fillProgress(slot) {
  const d = slot.dataset;
  const modules = d.isdpProgressModules.split(" ");
  const done = progress(cycleFor(slot), d.isdpProgressCourse);
  const passed = modules.filter((id) => done[id] && done[id].passed).length;
  if (d.isdpProgressScope === "module") {
    const r = done[modules[0]];
    slot.textContent = !r ? "Not started" : `${r.passed ? "Passed" : "Not passed yet"} (best ${percent(r.best)})`;
  } else {
    slot.textContent = `Your progress on this device: ${passed === modules.length
      ? `complete, all ${passed} modules passed` : `${passed} of ${modules.length} modules passed`}`;
  }
  slot.className = `isdp-progress${passed === modules.length ? " isdp-right" : ""}`;
  slot.hidden = false;
}

function init() {
  all("[data-isdp-quiz-result]").forEach(setupModule);
  all("[data-isdp-progress-course]").forEach(fillProgress);
}
if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
