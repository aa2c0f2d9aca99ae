/* The outbox's alreadyHeld hook (cmi5.js): a 403/409 on a resend whose first 200 was lost.
 * CATAPULT answers `403 9.3.0.0-2` to a cmi5 defined statement it already stored. */
import assert from "node:assert/strict";
import test from "node:test";

import { manualTimers, memoryStorage, quiet, reply } from "./helpers.js";
import { createOutbox, hmacSeal } from "../../build_tools/static/isdp/outbox.js";

const body = (n) => ({ id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`, verb: { id: "v" } });

function setup(answers, alreadyHeld) {
  const timers = manualTimers();
  const posts = [];
  const acked = [];
  const queue = [...answers];
  const post = async (bodies) => { posts.push(bodies.map((b) => b.id)); return reply(queue.length ? queue.shift() : 200); };
  const outbox = createOutbox({ storage: memoryStorage(), owner: "o", post, timers, random: () => 1, log: quiet,
    seal: hmacSeal(() => "launch-token"), alreadyHeld, onAcked: (bodies) => acked.push(...bodies.map((b) => b.id)) });
  return { outbox, timers, posts, acked };
}

test("what the LRS says it holds counts as acknowledged; the rest is sent again", async () => {
  const asked = [];
  const { outbox, timers, posts, acked } = setup([403], async (bodies) => {
    asked.push(bodies.map((b) => b.id));
    return [body(1).id];  // the first one was stored before its 200 was lost
  });
  await outbox.enqueue(body(1));
  await outbox.enqueue(body(2));
  await timers.runAll();
  assert.deepEqual(asked, [[body(1).id, body(2).id]]);
  assert.deepEqual(posts, [[body(1).id, body(2).id], [body(2).id]]);
  assert.deepEqual(acked, [body(1).id, body(2).id]);
  assert.equal(outbox.pending(), 0);
  assert.equal(outbox.state.refused, false);
});

test("a 403 the LRS does not explain stays a refusal: kept and retried later", async () => {
  const { outbox, timers, posts } = setup([403], async () => []);
  await outbox.enqueue(body(1));
  await timers.runAll();
  assert.deepEqual(posts, [[body(1).id]]);
  assert.equal(outbox.pending(), 1);
  assert.equal(outbox.state.refused, true);
  assert.equal(timers.count, 1, "a retry is scheduled");
});
