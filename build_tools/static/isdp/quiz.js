/* ISDP quiz runtime. No framework, nothing from another host.
 *
 * The build writes every question as plain HTML (fieldset, legend, native inputs, a disabled
 * "Check answer" button) with no answer key: a salted hash of the key, and the feedback sealed
 * in a file beside the page (seal.js), fetched when the learner first touches a question (it
 * is not needed to check or record an answer). This module enables the buttons, checks an
 * answer with Web Crypto, reveals the chosen choices' feedback and the explanation, locks the
 * first answer of each question in an attempt, scores the module against its mastery score,
 * offers a retake (a new attempt, choices in a new order), resumes an open attempt after a
 * reload, and fills the progress slots of course pages. Tracking subscribes to the events
 * below; their names and fields are a contract (see content/editor-guide/courses.md):
 *   isdp:attempt-started, isdp:question-answered, isdp:module-completed
 */
import { DEFAULTS, readProfile } from "./profile.js";
import { closeAttempt, currentCycle, openAttempt, progress, record, saveAttempt, shuffled } from "./attempt.js";
import { available, isCorrect, sealedFeedback, unseal } from "./seal.js";
import { onStatus } from "./status.js";
import { uuid } from "./uuid.js";

const P = { ...DEFAULTS, ...(readProfile() || {}) };
window.isdpQuiz = { version: 1 };

const all = (selector, root) => Array.from((root || document).querySelectorAll(selector));
const emit = (name, detail) => document.dispatchEvent(new CustomEvent(`isdp:${name}`, { detail }));
const text = (node) => (node ? node.textContent.replace(/\s+/g, " ").trim() : "");
const percent = (scaled) => `${Math.round(scaled * 100)}%`;
const NO_FEEDBACK = "The feedback for this question could not be loaded (the site may be offline). " +
  "Your answer is saved; reload the page to see the feedback.";

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

async function setupModule(result) {
  const d = result.dataset;
  const m = { course: d.isdpCourse, module: d.isdpModule, mastery: parseFloat(d.isdpMastery),
    cycle: cycleFor(result), result, out: result.querySelector("[data-isdp-result-text]"),
    attempt: null, answers: {}, order: {}, questions: [] };
  for (const q of all(`[data-isdp-quiz][data-isdp-module="${m.module}"]`)) { m.questions.push(setupQuestion(q, m)); }
  if (!available()) {
    m.out.textContent = "This page cannot check answers here: open it through https:// (its address " +
      "must start with https).";
    return m;
  }
  const saved = openAttempt(m.course, m.module);
  if (saved) { await resume(m, saved); } else { showBest(m); }
  for (const q of m.questions) { if (!q.locked) { q.check.disabled = false; } }
  return m;
}

/* A reload or a reopened tab: the same attempt, its answers restored and locked. */
async function resume(m, saved) {
  Object.assign(m, { attempt: saved.attempt, startedAt: saved.startedAt, order: saved.order || {}, answers: saved.answers });
  for (const q of m.questions) {
    if (m.order[q.id]) { arrange(q, m.order[q.id]); }
    const answer = m.answers[q.id];
    const ids = q.inputs.map((i) => i.value);
    if (!answer || !Array.isArray(answer.response) || !answer.response.every((id) => ids.includes(id))) {
      delete m.answers[q.id];
      continue;
    }
    for (const input of q.inputs) { input.checked = answer.response.includes(input.value); }
    // Storage is writable by any page of the origin: the verdict is checked again, not read.
    q.ok = answer.ok = await isCorrect(q.salt, q.keyHash, answer.response);
    await reveal(q, answer.response, q.ok);
  }
  const done = Object.keys(m.answers).length;
  m.out.textContent = `Your attempt continues: ${done} of ${m.questions.length} questions answered. ` +
    "Answers already given are kept and cannot be changed.";
}

function setupQuestion(node, m) {
  const q = { node, id: node.dataset.isdpQuestion, kind: node.dataset.isdpKind,
    salt: node.dataset.isdpSalt, keyHash: node.dataset.isdpKeyHash, inputs: all("input", node),
    list: node.querySelector(".isdp-quiz-choices"), answer: node.querySelector(".isdp-quiz-answer"),
    check: node.querySelector(".isdp-quiz-check"), status: node.querySelector(".isdp-quiz-status"),
    sealed: new URL(node.dataset.isdpSealedSrc, document.baseURI).href, locked: false };
  q.answer.tabIndex = -1;
  // Only the attempt's own answers are restored (resume), never the browser's form memory.
  for (const input of q.inputs) { input.checked = false; }
  // The first touch of a choice fetches the page's feedback, ready by the time it is needed
  // (on change too: Safari does not focus a radio button or checkbox that is clicked).
  const prefetch = () => { sealedFeedback(q.sealed).catch(() => {}); };
  node.addEventListener("focusin", prefetch);
  for (const input of q.inputs) { input.addEventListener("change", () => { prefetch(); start(m); }); }
  q.check.addEventListener("click", () => check(q, m));
  return q;
}

function arrange(q, order) {
  const items = new Map(all(".isdp-quiz-choice", q.node).map((li) => [li.dataset.isdpChoice, li]));
  for (const id of order) { if (items.has(id)) { q.list.append(items.get(id)); } }
  q.inputs = all("input", q.node);
}

function start(m) {
  if (m.attempt) { return; }
  m.attempt = uuid();
  m.startedAt = Date.now();
  m.answers = {};
  m.order = Object.fromEntries(m.questions.map((q) => [q.id, all(".isdp-quiz-choice", q.node).map((li) => li.dataset.isdpChoice)]));
  save(m);
  emit("attempt-started", { course: m.course, module: m.module, attempt: m.attempt,
    questions: m.questions.map((q) => q.id), masteryScore: m.mastery,
    startedAt: new Date(m.startedAt).toISOString() });
}

function save(m) {
  saveAttempt(m.course, m.module, { attempt: m.attempt, startedAt: m.startedAt, order: m.order, answers: m.answers });
}

/* The chosen choices' feedback and the explanation, fetched (seal.js) and opened; rejects
 * when the file cannot be fetched or does not open (a page cached from an older build). */
async function opened(q, response) {
  const sealed = (await sealedFeedback(q.sealed))[q.id];
  const feedback = await Promise.all(response.map((id) => unseal(q.salt, `feedback:${id}`, sealed.feedback[id])));
  return { feedback, explanation: await unseal(q.salt, "explanation", sealed.explanation) };
}

/* Show what the answer earns: the chosen choices' feedback and the explanation, unsealed. */
async function reveal(q, response, ok) {
  q.locked = true;
  for (const i of q.inputs) { i.disabled = true; }
  q.check.hidden = true;
  const verdict = ok ? "Correct. " : "Not correct. ";
  const parts = await opened(q, response).catch(() => null);
  q.status.className = `isdp-quiz-status ${ok ? "isdp-right" : "isdp-wrong"}`;
  const explanation = q.node.querySelector(".isdp-quiz-explanation");
  if (!parts) {
    q.status.textContent = `${verdict}The feedback could not be loaded.`;
    explanation.replaceChildren(el("p", "isdp-quiz-unavailable", NO_FEEDBACK));
    q.answer.hidden = false;
    return;
  }
  const said = [];
  response.forEach((id, n) => {
    const box = q.node.querySelector(`[data-isdp-feedback="${id}"]`);
    const li = q.node.querySelector(`[data-isdp-choice="${id}"]`);
    box.innerHTML = parts.feedback[n].html;  // our own build's HTML, sealed at build time
    box.hidden = false;
    li.classList.add(parts.feedback[n].correct ? "isdp-right" : "isdp-wrong");
    li.append(el("span", "isdp-quiz-mark", parts.feedback[n].correct ? "Your answer: correct" : "Your answer: not correct"));
    said.push(all("p, li", box).slice(1).map(text).join(" "));
  });
  for (const box of all("[data-isdp-feedback]", q.node)) { if (!response.includes(box.dataset.isdpFeedback)) { box.hidden = true; } }
  explanation.innerHTML = parts.explanation.html;
  q.status.textContent = verdict + said.join(" ");
  q.answer.hidden = false;
}

async function check(q, m) {
  if (q.locked) { return; }
  const response = q.inputs.filter((i) => i.checked).map((i) => i.value);
  if (!response.length) { q.status.textContent = "Choose an answer first."; return; }
  q.locked = true;  // the first answer counts, even when clicked twice
  start(m);
  const ok = await isCorrect(q.salt, q.keyHash, response);
  q.ok = ok;
  m.answers[q.id] = { response, ok };
  save(m);
  const shown = reveal(q, response, ok);  // recorded now, whether or not the feedback loads
  emit("question-answered", { course: m.course, module: m.module, attempt: m.attempt,
    question: q.id, kind: q.kind,
    prompt: [text(q.node.querySelector(".isdp-quiz-context")), text(q.node.querySelector(".isdp-quiz-stem"))].join(" ").trim(),
    choices: all(".isdp-quiz-choice", q.node).map((li) => ({ id: li.dataset.isdpChoice, text: text(li.querySelector("label")) })),
    response, correct: ok });
  if (m.questions.every((x) => x.ok !== undefined)) { complete(m); }
  await shown;
  q.answer.focus();
}

function complete(m) {
  // An LMS may set the pass mark (cmi5 masteryScore): tracking writes it on the result node.
  m.mastery = parseFloat(m.result.dataset.isdpMastery) || m.mastery;
  const raw = m.questions.filter((q) => q.ok).length;
  const max = m.questions.length;
  const scaled = Math.round((raw / max) * 10000) / 10000;
  const passed = scaled >= m.mastery;
  const attempt = m.attempt;
  emit("module-completed", { course: m.course, module: m.module, attempt,
    score: { raw, max, scaled }, passed, masteryScore: m.mastery, durationMs: Date.now() - m.startedAt });
  closeAttempt(m.course, m.module);
  record(m.cycle, m.course, m.module, scaled, passed);
  m.out.textContent = "";
  const line = el("p", "isdp-score");
  line.append(el("strong", "", `You answered ${raw} of ${max} questions correctly (${percent(scaled)}).`));
  const recorded = el("p", "isdp-recorded");
  recorded.setAttribute("data-isdp-recorded", "");
  m.out.append(line, el("p", `isdp-mastery ${passed ? "isdp-right" : "isdp-wrong"}`, passed
    ? `Passed: the pass mark is ${percent(m.mastery)}.`
    : `Not passed yet: the pass mark is ${percent(m.mastery)}. Read the explanations above, then retake the module.`),
  recorded);
  // "Recorded" only once the LRS acknowledged this attempt's result (status.js).
  onStatus((report) => {
    if (m.attempt !== attempt && m.attempt !== null) { return; }
    if (recorded.hasAttribute("data-isdp-status-panel")) { return; }  // status-panel.js renders it
    recorded.setAttribute("data-isdp-state", report.state === "recorded" && report.lastQueued !== attempt ? "waiting" : report.state);
    recorded.textContent = report.mode === "practice" ? "Practice mode: this result is not recorded."
      : report.state === "recorded" && report.lastQueued === attempt ? "Recorded in your training record."
        : `Not recorded yet. ${report.text}`;
  });
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

/* A retake is a new attempt: everything cleared, the choices in a new random order. */
function reset(m) {
  m.attempt = null;
  for (const q of m.questions) {
    q.ok = undefined;
    q.locked = false;
    arrange(q, shuffled(all(".isdp-quiz-choice", q.node).map((li) => li.dataset.isdpChoice)));
    for (const i of q.inputs) { i.disabled = false; i.checked = false; }
    for (const mark of all(".isdp-quiz-mark", q.node)) { mark.remove(); }
    for (const li of all(".isdp-quiz-choice", q.node)) { li.classList.remove("isdp-right", "isdp-wrong"); }
    for (const box of all("[data-isdp-feedback], .isdp-quiz-explanation", q.node)) { box.textContent = ""; }
    q.status.textContent = "";
    q.status.className = "isdp-quiz-status";
    q.check.hidden = false;
    q.check.disabled = false;
    q.answer.hidden = true;
  }
  showBest(m);
  if (m.questions.length) { m.questions[0].inputs[0].focus(); }
}

function showBest(m) {
  const best = progress(m.cycle, m.course)[m.module];
  const n = m.questions.length;
  m.out.textContent = `${n === 1 ? "Answer the question" : `Answer all ${n} questions`} to see your score.${best
    ? ` Your best result on this device this year: ${percent(best.best)}${best.passed ? ", passed." : ", not passed yet."}`
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
