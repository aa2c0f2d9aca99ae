/* Attempt state on this device.
 * - The open attempt of each module (id, start, choice order, answers given): a reload or a
 *   reopened tab resumes it with the same registration, answers restored and locked.
 * - The best result per module and cycle (progress badges on course pages).
 */
import { cycleOf } from "./cycle.js";
import { getJSON, setJSON } from "./storage.js";

const STORE = "isdp.progress.v1";
const OPEN = "isdp.attempt.v1.";

export function currentCycle(P) { return cycleOf(new Date(), P.cycle_start_month, P.timeZone); }

export function progress(cycle, course, storage = localStorage) {
  return ((getJSON(storage, STORE) || {})[cycle] || {})[course] || {};
}

export function record(cycle, course, module, scaled, passed, storage = localStorage) {
  const data = getJSON(storage, STORE) || {};
  const modules = ((data[cycle] = data[cycle] || {})[course] = data[cycle][course] || {});
  const before = modules[module] || {};
  modules[module] = { best: Math.max(before.best || 0, scaled), passed: !!(before.passed || passed),
    last: scaled, at: new Date().toISOString() };
  setJSON(storage, STORE, data);  // private mode: no memory, nothing else breaks
}

/* { attempt, startedAt, order: {question: [choice ids]}, answers: {question: {response, ok}} } */
export function openAttempt(course, module, storage = localStorage) {
  const saved = getJSON(storage, `${OPEN}${course}/${module}`);
  return saved && typeof saved.attempt === "string" && saved.answers ? saved : null;
}

export function saveAttempt(course, module, state, storage = localStorage) {
  setJSON(storage, `${OPEN}${course}/${module}`, state);
}

export function closeAttempt(course, module, storage = localStorage) {
  storage.removeItem(`${OPEN}${course}/${module}`);
}

/* Fisher-Yates: a retake's choices in a new random order. */
export function shuffled(list, random = Math.random) {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
