import assert from "node:assert/strict";
import test from "node:test";

import { manualTimers, memoryStorage, quiet, reply, settle } from "./helpers.js";
import { DAMAGED_PREFIX, QUEUE_PREFIX, createOutbox, hmacSeal } from "../../build_tools/static/isdp/outbox.js";

const OWNER = "https://lrs.example.org/xAPI/|account:https://www.mdek12.org|100234";
const CREDENTIAL = "Basic MTAwMjM0OnMzY3JldC1vZi1hZGE=";

/* An outbox with a scripted LRS: `answers` are the statuses of successive POSTs (then 200). */
function setup({ answers = [], storage = memoryStorage(), options = {}, owner = OWNER, secret = CREDENTIAL, ...rest } = {}) {
  const timers = manualTimers();
  const posts = [];
  const queue = [...answers];
  const post = async (bodies) => {
    posts.push(bodies.map((b) => b.id));
    const next = queue.length ? queue.shift() : 200;
    if (next === "network") { throw new TypeError("Failed to fetch"); }
    return typeof next === "number" ? reply(next) : next;
  };
  const outbox = createOutbox({ storage, owner, post, timers, random: () => 1, log: quiet, seal: hmacSeal(() => secret),
    options: { batchSize: 50, retryBaseMs: 1000, retryMaxMs: 8000, ...options }, ...rest });
  return { outbox, storage, timers, posts };
}

const body = (n) => ({ id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`, verb: { id: "v" } });

test("a statement is in storage before any send, and leaves only when acknowledged", async () => {
  const { outbox, storage, timers, posts } = setup();
  await outbox.enqueue(body(1));
  assert.equal(posts.length, 0);
  assert.equal(Object.keys(storage).filter((k) => k.startsWith(QUEUE_PREFIX)).length, 1);
  await timers.runAll();
  assert.deepEqual(posts, [[body(1).id]]);
  assert.equal(outbox.pending(), 0);
  assert.equal(outbox.state.acked, 1);
  assert.ok(outbox.idle());
});

test("statements go in batches, oldest first", async () => {
  const { outbox, timers, posts } = setup({ options: { batchSize: 50 } });
  for (let i = 0; i < 120; i++) { outbox.enqueue(body(i)); }
  await outbox.saved();
  await timers.runAll();
  assert.deepEqual(posts.map((p) => p.length), [50, 50, 20]);
  assert.deepEqual(posts.flat(), Array.from({ length: 120 }, (_, i) => body(i).id));
});

test("a damaged entry is set aside: kept, counted, never sent, never blocking", async () => {
  const { outbox, storage, timers, posts } = setup();
  await outbox.enqueue(body(1));
  const [good] = Object.keys(storage);
  // An entry older than the good one that is not JSON, and one without a statement.
  const broken = good.replace(/\.\d{15}\./, ".000000000000001.");
  const empty = good.replace(/\.\d{15}\./, ".000000000000002.");
  storage.setItem(broken, "{not json");
  storage.setItem(empty, JSON.stringify({ key: OWNER }));
  await timers.runAll();
  assert.deepEqual(posts, [[body(1).id]], "the good statement was sent, the damaged ones were not");
  assert.equal(outbox.pending(), 0);
  assert.equal(outbox.damaged(), 2);
  const aside = Object.keys(storage).filter((k) => k.startsWith(DAMAGED_PREFIX));
  assert.equal(aside.length, 2);
  assert.ok(aside.some((k) => storage.getItem(k) === "{not json"), "the damaged text is kept as it was");
  await outbox.enqueue(body(2));
  await timers.runAll();
  assert.deepEqual(posts, [[body(1).id], [body(2).id]], "later flushes are not blocked either");
});

test("a damaged entry that cannot be moved (storage full) stays where it is and is skipped", async () => {
  const storage = memoryStorage();
  const { outbox, timers, posts } = setup({ storage });
  await outbox.enqueue(body(1));
  const [good] = Object.keys(storage);
  const broken = good.replace(/\.\d{15}\./, ".000000000000001.");
  storage.setItem(broken, "x".repeat(50));
  storage.setItem = () => { throw new DOMException("quota", "QuotaExceededError"); };
  await timers.runAll();
  assert.deepEqual(posts, [[body(1).id]]);
  assert.equal(storage.getItem(broken), "x".repeat(50));
  assert.equal(outbox.damaged(), 1);
  assert.equal(outbox.pending(), 0);
});

test("full storage: statements wait in memory, are counted as such, and are sent", async () => {
  const { outbox, storage, timers, posts } = setup({ storage: memoryStorage({ quota: 10 }), answers: ["network"] });
  await outbox.enqueue(body(1));
  await outbox.enqueue(body(2));
  assert.equal(Object.keys(storage).length, 0, "nothing could be saved");
  assert.equal(outbox.pending(), 2);
  assert.equal(outbox.inMemoryOnly(), 2, "the page can say the tab must stay open");
  await timers.runAll();  // the LRS is down: they stay in memory
  assert.equal(outbox.inMemoryOnly(), 2);
  await timers.runAll();
  assert.deepEqual(posts, [[body(1).id, body(2).id], [body(1).id, body(2).id]]);
  assert.equal(outbox.inMemoryOnly(), 0);
  assert.equal(outbox.pending(), 0);
  assert.equal(outbox.state.acked, 2);
});

test("an entry another page wrote (no seal, or sealed without the credential) is set aside, never sent", async () => {
  const storage = memoryStorage();
  const { outbox, timers, posts } = setup({ storage });
  await outbox.enqueue(body(1));
  const [good] = Object.keys(storage);
  const forged = { ...body(99), verb: { id: "http://adlnet.gov/expapi/verbs/passed" } };
  storage.setItem(good.replace(/\.\d{15}\./, ".000000000000001."), JSON.stringify({ key: OWNER, statement: forged }));
  const guess = await hmacSeal(() => "Basic Z3Vlc3M6Z3Vlc3M=").sign(`${OWNER}\n${JSON.stringify(forged)}`);
  storage.setItem(good.replace(/\.\d{15}\./, ".000000000000002."), JSON.stringify({ key: OWNER, statement: forged, mac: guess }));
  // A copy of a real sealed entry with its statement changed keeps a seal that no longer fits.
  const copy = JSON.parse(storage.getItem(good));
  storage.setItem(good.replace(/\.\d{15}\./, ".000000000000003."), JSON.stringify({ ...copy, statement: forged }));
  await timers.runAll();
  assert.deepEqual(posts, [[body(1).id]]);
  assert.equal(outbox.damaged(), 3);
  assert.equal(outbox.pending(), 0);
});

test("the same credential in a new tab sends what a closed tab left behind", async () => {
  const storage = memoryStorage();
  const first = setup({ storage, answers: ["network"] });
  await first.outbox.enqueue(body(1));
  await first.timers.runAll();  // the LRS is down and the tab is closed
  const { outbox, timers, posts } = setup({ storage });  // the link opened again
  outbox.schedule(0);
  await timers.runAll();
  assert.deepEqual(posts, [[body(1).id]]);
  assert.equal(outbox.pending(), 0);
});

test("server errors, throttling and outages are retried with growing backoff until acknowledged", async () => {
  const { outbox, timers, posts } = setup({ answers: [503, "network", 500, 429, 502] });
  await outbox.enqueue(body(1));
  await timers.runAll();  // the first try
  for (let i = 0; i < 5; i++) { await timers.runAll(); }
  assert.equal(posts.length, 6);
  assert.equal(outbox.pending(), 0);
  // schedule(0), then base * 2^(n-1) capped at retryMaxMs (random() = 1: no jitter).
  assert.deepEqual(timers.delays, [0, 1000, 2000, 4000, 8000, 8000]);
  assert.equal(outbox.state.backoff, 0, "an acknowledgement resets the backoff");
});

test("Retry-After is honoured and a refused credential keeps the statements", async () => {
  const { outbox, timers, posts } = setup({ answers: [reply(429, { "Retry-After": "20" }), 401, 403] });
  await outbox.enqueue(body(1));
  await timers.runAll();
  assert.equal(timers.delays.at(-1), 20000);
  await timers.runAll();
  assert.equal(outbox.state.refused, true);
  assert.equal(outbox.pending(), 1);
  await timers.runAll();
  await timers.runAll();
  assert.equal(outbox.pending(), 0);
  assert.equal(outbox.state.refused, false);
  assert.equal(posts.length, 4);
});

test("one refused statement in a batch: sent one by one, the conflict dropped, the rest lands", async () => {
  const { outbox, timers, posts } = setup({ answers: [409, 200, 409, 200] });
  for (let i = 0; i < 3; i++) { outbox.enqueue(body(i)); }
  await outbox.saved();
  await timers.runAll();
  assert.deepEqual(posts.map((p) => p.length), [3, 1, 1, 1]);
  assert.equal(outbox.pending(), 0);
  assert.equal(outbox.state.acked, 2);
});

test("only the owner's own entries are sent (another learner's wait for their credential)", async () => {
  const storage = memoryStorage();
  const other = setup({ storage, owner: "https://lrs.example.org/xAPI/|account:https://www.mdek12.org|100777",
    secret: "Basic YmVu" });
  await other.outbox.enqueue(body(7));
  const { outbox, timers, posts } = setup({ storage });
  await outbox.enqueue(body(1));
  await timers.runAll();
  assert.deepEqual(posts, [[body(1).id]]);
  assert.equal(other.outbox.pending(), 1);
});

test("a flush that meets an unexpected error is retried, not stuck", async () => {
  let calls = 0;
  const { outbox, timers } = setup({ onDrained: async () => { calls += 1; if (calls === 1) { throw new Error("boom"); } return false; } });
  await outbox.enqueue(body(1));
  await timers.runAll();
  assert.equal(outbox.state.offline, true);
  assert.equal(timers.count, 1, "a retry is scheduled");
  await timers.runAll();
  assert.equal(calls, 2);
  await settle();
  assert.ok(outbox.idle());
});
