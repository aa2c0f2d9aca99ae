/* Attempt state on this device: the best result per module and cycle (progress badges). */
import { cycleOf } from "./cycle.js";
import { getJSON, setJSON } from "./storage.js";

const STORE = "isdp.progress.v1";

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
