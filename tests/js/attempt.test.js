import assert from "node:assert/strict";
import test from "node:test";

import { memoryStorage } from "./helpers.js";
import { closeAttempt, openAttempt, saveAttempt, shuffled } from "../../build_tools/static/isdp/attempt.js";

test("an open attempt is found again after a reload, and gone once the module is completed", () => {
  const storage = memoryStorage();
  assert.equal(openAttempt("ferpa", "exceptions", storage), null);
  const state = { attempt: "7c9e6679-7425-40de-944b-e07fc1f90ae7", startedAt: 1, order: { q1: ["b", "a"] },
    answers: { q1: { response: ["b"], ok: true } } };
  saveAttempt("ferpa", "exceptions", state, storage);
  assert.deepEqual(openAttempt("ferpa", "exceptions", storage), state);
  assert.equal(openAttempt("ferpa", "records", storage), null, "one open attempt per module");
  closeAttempt("ferpa", "exceptions", storage);
  assert.equal(openAttempt("ferpa", "exceptions", storage), null);
});

test("a damaged saved attempt is ignored, not trusted", () => {
  const storage = memoryStorage();
  storage.setItem("isdp.attempt.v1.ferpa/exceptions", "{oops");
  assert.equal(openAttempt("ferpa", "exceptions", storage), null);
  storage.setItem("isdp.attempt.v1.ferpa/exceptions", JSON.stringify({ attempt: 5, answers: {} }));
  assert.equal(openAttempt("ferpa", "exceptions", storage), null);
});

test("a retake's order is a permutation of the choices, new for a new draw", () => {
  const ids = ["a", "b", "c", "d"];
  const values = [0.1, 0.9, 0.3];
  const draw = shuffled(ids, () => values.shift());
  assert.deepEqual([...draw].sort(), ids);
  assert.notDeepEqual(draw, ids);
  assert.deepEqual(ids, ["a", "b", "c", "d"], "the input is not changed");
});
