/* Test doubles for the runtime's browser surroundings (Node has no localStorage and no LRS;
 * the browser tests in tests/tracking/ run the same modules against Chromium and Ralph). */
import { readFileSync } from "node:fs";

export const P = JSON.parse(readFileSync(new URL("./profile.json", import.meta.url), "utf-8"));

/* Web Storage: items are the object's own keys (Object.keys() lists them, as in a browser);
 * `quota` (characters of keys + values) makes setItem throw as a full browser does. */
export function memoryStorage({ quota = Infinity } = {}) {
  const used = (store) => Object.keys(store).reduce((n, k) => n + k.length + store[k].length, 0);
  const proto = {
    getItem(k) { return Object.hasOwn(this, k) ? this[k] : null; },
    setItem(k, v) {
      const value = String(v);
      const after = used(this) - (Object.hasOwn(this, k) ? k.length + this[k].length : 0) + k.length + value.length;
      if (after > quota) { throw new DOMException("quota", "QuotaExceededError"); }
      this[k] = value;
    },
    removeItem(k) { delete this[k]; },
  };
  return Object.create(proto);
}

/* Timers run only when the test says so; `delays` records every delay asked for. */
export function manualTimers() {
  let next = 1;
  const pending = new Map();
  return {
    delays: [],
    setTimeout(fn, delay) { this.delays.push(delay); pending.set(next, fn); return next++; },
    clearTimeout(id) { pending.delete(id); },
    get count() { return pending.size; },
    async runAll() {  // run what is due now, and wait for the flushes it started
      const due = [...pending.values()];
      pending.clear();
      await Promise.all(due.map((fn) => fn()));
      await settle();
    },
  };
}

export async function settle() { for (let i = 0; i < 20; i++) { await new Promise((r) => setImmediate(r)); } }

export function reply(status, headers = {}) {
  return { status, ok: status >= 200 && status < 300, headers: { get: (h) => headers[h] ?? null } };
}

export const quiet = { warn() {}, error() {} };
