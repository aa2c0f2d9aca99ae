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
 * - Every entry is sealed with an HMAC whose key is derived from the launch's credential,
 *   which lives only in the launched tab (memory and sessionStorage). Any page of the origin
 *   can write localStorage; an entry it wrote has no valid seal, so it is set aside like a
 *   damaged one and never sent. The same learner's link opened again in a new tab derives
 *   the same key, so nothing a closed tab left behind is lost.
 * - When storage refuses a write (full, disabled), the statement waits in memory: it is sent
 *   like the others, and the page says it is not recorded yet and the tab must stay open.
 * Everything it touches is passed in (storage, post, timers, seal), so Node's test runner
 * drives it.
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
    return s && typeof s === "object" && typeof s.id === "string" && typeof entry.mac === "string" ? entry : null;
  } catch {
    return null;
  }
}

const encoder = new TextEncoder();
const toBase64 = (buffer) => btoa(String.fromCharCode(...new Uint8Array(buffer)));

/* The seal of outbox entries: HMAC-SHA-256 under a key derived from `secret` (the launch's
   credential). `secret` is a function, so a mode can hand it over once it has it (cmi5). */
export function hmacSeal(secret) {
  let key = null;
  const ready = async () => {
    if (!key) {
      const raw = await globalThis.crypto.subtle.digest("SHA-256", encoder.encode(`isdp-outbox-v1\n${await secret()}`));
      key = await globalThis.crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    }
    return key;
  };
  const sign = async (text) => toBase64(await globalThis.crypto.subtle.sign("HMAC", await ready(), encoder.encode(text)));
  return { sign, verify: async (text, mac) => (await sign(text)) === mac };
}

export function createOutbox({
  storage, owner, post, seal, canSend = () => true, onDrained = null, onChange = () => {}, onAcked = () => {},
  options = {}, timers = globalThis, random = Math.random, now = Date.now, lock = null, log = console,
}) {
  const opts = { batchSize: 50, retryBaseMs: 1000, retryMaxMs: 30000, ...options };
  const prefix = `${QUEUE_PREFIX}${ownerHash(owner)}.`;
  const stuck = new Set();  // damaged entries that could not be moved aside (storage full)
  // Entries not in storage: being sealed (mac null), or refused by a full storage.
  const memory = [];
  const state = { backoff: 0, timer: null, sending: false, acked: 0, offline: false, refused: false,
    seq: 0, damaged: 0, writes: Promise.resolve() };
  const signed = (statement) => `${owner}\n${JSON.stringify(statement)}`;

  const stored = () => keysWith(storage, prefix).filter((k) => !stuck.has(k));
  const mine = () => [...stored(), ...memory.map((e) => e.key)];

  /* Sealed, then saved before any send: if the tab dies now, the statement is still here
     next time. Returns when it is saved (or waiting in memory). */
  function enqueue(body) {
    const entry = { key: `${prefix}${pad(now(), 15)}.${pad(state.seq++, 6)}.${body.id}`, statement: body, mac: null };
    memory.push(entry);
    onChange();
    const write = seal.sign(signed(body)).then((mac) => {
      entry.mac = mac;
      try {
        storage.setItem(entry.key, JSON.stringify({ key: owner, statement: body, mac }));
        memory.splice(memory.indexOf(entry), 1);
      } catch {
        log.warn(`isdp: storage refused statement ${body.id}; it waits in this tab's memory.`);
      }
      schedule(0);
      onChange();
    }, (err) => log.error(`isdp: could not seal statement ${body.id} (${err && err.message}).`));
    state.writes = state.writes.then(() => write);
    return write;
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

  /* Up to batchSize sealed entries, oldest first; damaged and unsealed (forged) ones are
     set aside on the way. */
  async function nextBatch() {
    const batch = [];
    const waiting = memory.filter((e) => e.mac !== null);
    const keys = [...stored(), ...waiting.map((e) => e.key)].sort();
    for (const key of keys) {
      if (batch.length >= opts.batchSize) { break; }
      const kept = waiting.find((e) => e.key === key);
      if (kept) { batch.push({ key, statement: kept.statement, memory: kept }); continue; }
      const entry = parse(storage.getItem(key));
      if (entry && entry.key === owner && await seal.verify(signed(entry.statement), entry.mac)) {
        batch.push({ key, statement: entry.statement });
      } else {
        setAside(key);
      }
    }
    return batch;
  }

  function schedule(delay) {
    if (state.timer) { timers.clearTimeout(state.timer); }
    state.timer = timers.setTimeout(() => { state.timer = null; return flush(); }, delay);
  }

  function retryLater(retryAfterSeconds) {
    state.backoff += 1;
    let delay = Math.min(opts.retryMaxMs, opts.retryBaseMs * 2 ** (state.backoff - 1));
    delay *= 0.5 + random() / 2;
    if (retryAfterSeconds > 0) { delay = Math.max(delay, retryAfterSeconds * 1000); }
    schedule(delay);
  }

  function remove(entries) {
    for (const e of entries) {
      if (e.memory) { memory.splice(memory.indexOf(e.memory), 1); } else { storage.removeItem(e.key); }
    }
  }

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
      remove(batch);
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
      remove([batch[0]]);
      return "sent";
    }
    if (status === 400) {
      log.error(`isdp: the LRS rejected statement ${bodies[0].id} as invalid; kept under ${REJECTED_KEY}`);
      let rejected = [];
      try { rejected = JSON.parse(storage.getItem(REJECTED_KEY)) || []; } catch { /* start again */ }
      rejected.push(bodies[0]);
      try { storage.setItem(REJECTED_KEY, JSON.stringify(rejected)); } catch { /* logged above */ }
      remove([batch[0]]);
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
      const batch = await nextBatch();
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
    /* Statements that only this tab holds (storage refused them): it must stay open. */
    inMemoryOnly: () => memory.filter((e) => e.mac !== null).length,
    /* Resolves once every statement enqueued so far is sealed and saved (or in memory). */
    saved: () => state.writes,
    damaged: () => keysWith(storage, DAMAGED_PREFIX).length + stuck.size,
    idle: () => !state.sending && !state.timer && !mine().length,
    resetBackoff() { state.backoff = 0; },
  };
}
