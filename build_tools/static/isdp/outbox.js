/* The durable outbox: statements -> storage -> the LRS (DESIGN.md, "Tracking modes").
 *
 * - Each statement is written to storage (one key per statement, so tabs never overwrite each
 *   other's queue) BEFORE any send, and removed only when the LRS acknowledges it (200/204).
 * - Keys start with a hash of the owner (endpoint + actor): a learner's statements are only
 *   ever sent with that learner's own credential, even on a shared computer.
 * - Network errors, 5xx, 429, 401 and 403 are retried with exponential backoff; a 409 (the LRS
 *   holds different content under that id) is logged and dropped; a 400 is kept aside.
 *   Resending the same id and content is harmless (idempotent).
 * - A damaged entry (unparseable, or no statement in it) is set aside: moved under
 *   DAMAGED_PREFIX, counted, never sent and never blocking the rest.
 * Everything it touches is passed in (storage, post, timers), so Node's test runner drives it.
 */
import { keysWith } from "./storage.js";

export const QUEUE_PREFIX = "isdp.xapi.q.";
export const DAMAGED_PREFIX = "isdp.xapi.damaged.";
export const REJECTED_KEY = "isdp.xapi.rejected";

export function pad(n, width) { return String(n).padStart(width, "0"); }

/* FNV-1a, 8 hex digits: short, stable, not a secret. */
export function ownerHash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) { h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0; }
  return pad(h.toString(16), 8);
}

export function queuedCount(storage) { return keysWith(storage, QUEUE_PREFIX).length; }

function parse(raw) {
  try {
    const entry = JSON.parse(raw);
    const s = entry && entry.statement;
    return s && typeof s === "object" && typeof s.id === "string" ? entry : null;
  } catch {
    return null;
  }
}

export function createOutbox({
  storage, owner, post, canSend = () => true, onDrained = null, onChange = () => {}, onAcked = () => {},
  options = {}, timers = globalThis, random = Math.random, now = Date.now, lock = null, log = console,
}) {
  const opts = { batchSize: 50, retryBaseMs: 1000, retryMaxMs: 30000, ...options };
  const prefix = `${QUEUE_PREFIX}${ownerHash(owner)}.`;
  const stuck = new Set();  // damaged entries that could not be moved aside (storage full)
  const state = { backoff: 0, timer: null, sending: false, acked: 0, offline: false, refused: false,
    seq: 0, storageFull: false, damaged: 0 };

  const mine = () => keysWith(storage, prefix).filter((k) => !stuck.has(k));

  function enqueue(body) {
    // Saved before any send: if the tab dies now, the statement is still here next time.
    const key = `${prefix}${pad(now(), 15)}.${pad(state.seq++, 6)}.${body.id}`;
    try {
      storage.setItem(key, JSON.stringify({ key: owner, statement: body }));
    } catch {
      state.storageFull = true;
    }
    schedule(0);
    onChange();
  }

  function setAside(key) {
    const raw = storage.getItem(key);
    state.damaged += 1;
    log.warn(`isdp: outbox entry ${key} is damaged; it was set aside and will not be sent.`);
    try {
      storage.setItem(DAMAGED_PREFIX + key.slice(QUEUE_PREFIX.length), raw === null ? "" : raw);
      storage.removeItem(key);
    } catch {
      stuck.add(key);  // kept where it is, skipped from now on
    }
  }

  /* Up to batchSize good entries, oldest first; damaged ones are set aside on the way. */
  function nextBatch() {
    const batch = [];
    for (const key of mine()) {
      if (batch.length >= opts.batchSize) { break; }
      const entry = parse(storage.getItem(key));
      if (entry) { batch.push({ key, statement: entry.statement }); } else { setAside(key); }
    }
    return batch;
  }

  function schedule(delay) {
    if (state.timer) { timers.clearTimeout(state.timer); }
    state.timer = timers.setTimeout(() => { state.timer = null; flush(); }, delay);
  }

  function retryLater(retryAfterSeconds) {
    state.backoff += 1;
    let delay = Math.min(opts.retryMaxMs, opts.retryBaseMs * 2 ** (state.backoff - 1));
    delay *= 0.5 + random() / 2;
    if (retryAfterSeconds > 0) { delay = Math.max(delay, retryAfterSeconds * 1000); }
    schedule(delay);
  }

  function remove(keys) { for (const k of keys) { storage.removeItem(k); } }

  async function sendBatch(batch) {
    const bodies = batch.map((e) => e.statement);
    let response;
    try {
      response = await post(bodies);
    } catch {
      state.offline = true;
      retryLater(0);
      return "waiting";
    }
    const status = response.status;
    if (status === 200 || status === 204) {
      remove(batch.map((e) => e.key));
      Object.assign(state, { offline: false, refused: false, backoff: 0 });
      state.acked += batch.length;
      onAcked(bodies);
      return "sent";
    }
    if ((status === 409 || status === 400 || status === 413) && batch.length > 1) {
      // The LRS refuses a whole batch for one statement: find it by sending one at a time.
      for (const entry of batch) {
        const outcome = await sendBatch([entry]);
        if (outcome !== "sent") { return outcome; }
      }
      return "sent";
    }
    if (status === 409) {
      log.warn(`isdp: the LRS already holds a different statement with id ${bodies[0].id}; this copy was dropped.`);
      remove([batch[0].key]);
      return "sent";
    }
    if (status === 400) {
      log.error(`isdp: the LRS rejected statement ${bodies[0].id} as invalid; kept under ${REJECTED_KEY}`);
      let rejected = [];
      try { rejected = JSON.parse(storage.getItem(REJECTED_KEY)) || []; } catch { /* start again */ }
      rejected.push(bodies[0]);
      try { storage.setItem(REJECTED_KEY, JSON.stringify(rejected)); } catch { /* logged above */ }
      remove([batch[0].key]);
      return "sent";
    }
    // 401/403: the credential was refused (kept: it may be restored); 429, 5xx and anything
    // else: the LRS is unwell. Either way the statements stay and we try again later.
    if (status === 401 || status === 403) { state.refused = true; } else { state.offline = true; }
    retryLater(Number(response.headers && response.headers.get("Retry-After")) || 0);
    return "waiting";
  }

  async function drain() {
    for (;;) {
      const batch = nextBatch();
      if (!batch.length) {
        if (onDrained && await onDrained()) { continue; }  // it enqueued more (course passed)
        Object.assign(state, { offline: false, backoff: 0 });
        return;
      }
      const outcome = await sendBatch(batch);
      onChange();
      if (outcome !== "sent") { return; }  // a retry is scheduled
    }
  }

  function flush() {
    if (state.sending || !canSend()) { return Promise.resolve(); }
    state.sending = true;
    // One sender per browser at a time; a resend from another tab would be harmless anyway.
    const run = () => drain();
    return Promise.resolve()
      .then(() => (lock ? lock(run) : run()))
      .catch((err) => {  // never stuck: anything unexpected is retried later
        log.error(`isdp: sending failed (${err && err.message}); will retry.`);
        state.offline = true;
        retryLater(0);
      })
      .finally(() => { state.sending = false; onChange(); });
  }

  return {
    state,
    enqueue,
    flush,
    schedule,
    retryLater,
    pending: () => mine().length,
    damaged: () => keysWith(storage, DAMAGED_PREFIX).length + stuck.size,
    idle: () => !state.sending && !state.timer && !mine().length,
    resetBackoff() { state.backoff = 0; },
  };
}
