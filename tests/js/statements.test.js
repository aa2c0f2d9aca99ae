import assert from "node:assert/strict";
import test from "node:test";

import { P } from "./helpers.js";
import {
  answeredResult, interaction, moduleActivity, pattern, score, statement,
} from "../../build_tools/static/isdp/statements.js";

const ACTOR = { objectType: "Agent", account: { homePage: "https://www.mdek12.org", name: "100234" } };
const LINK = { actor: ACTOR, lea: "2520" };
const base = { course: "security-awareness", module: "phishing", attempt: "6f1b3c1e-1111-4c8b-a9e6-0c4d2b1f8a37" };
const choices = [{ id: "a", text: "Report it" }, { id: "b", text: "Reply" }, { id: "c", text: "Delete" }];

test("an answered statement: the attempt is the registration, no key, cycle in the agency's zone", () => {
  const d = { ...base, question: "q1", kind: "multiple", prompt: "What do you do?", choices, response: ["a", "c"], correct: true };
  const object = interaction(P, d);
  const s = statement(P, LINK, "answered", object, d, answeredResult(object, d), "2027-07-01T03:30:00.000Z");
  assert.match(s.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(s.verb.id, P.verbs.answered);
  assert.equal(s.context.registration, base.attempt);
  assert.deepEqual(s.result, { response: "a[,]c", success: true });
  assert.equal(s.object.id, `${P.base}/courses/security-awareness/questions/q1`);
  assert.equal(s.object.definition.interactionType, "choice");
  assert.equal(s.object.definition.correctResponsesPattern, undefined);
  assert.deepEqual(s.object.definition.choices.map((c) => c.id), ["a", "b", "c"]);
  assert.deepEqual(s.context.contextActivities.grouping.map((g) => g.id), [`${P.base}/cycles/2026-2027`]);
  assert.deepEqual(s.context.contextActivities.parent.map((g) => g.id), [`${P.base}/courses/security-awareness`]);
  assert.deepEqual(s.context.contextActivities.category, [{ objectType: "Activity", id: P.category }]);
  assert.deepEqual(s.context.extensions, { [P.lea_extension]: "2520" });
  assert.deepEqual(s.actor, ACTOR);
});

test("true/false is judged from every choice, as in Python", () => {
  const tf = [{ id: "t", text: "True" }, { id: "f", text: "False" }];
  const d = { ...base, question: "q2", kind: "true-false", choices: tf, response: ["f"], correct: false };
  const object = interaction(P, d);
  assert.equal(object.definition.interactionType, "true-false");
  assert.deepEqual(answeredResult(object, d), { response: "false", success: false });
  const odd = [{ id: "yes", text: "Yes" }, { id: "f", text: "False" }];
  assert.equal(interaction(P, { ...d, choices: odd }).definition.interactionType, "choice");
  assert.equal(pattern("true-false", tf, []), "");
});

test("a module verdict has a score, no parent loop for the course, no LEA when the link has none", () => {
  const s = statement(P, { actor: ACTOR }, "passed", moduleActivity(P, base), base,
    { score: score(5, 6), success: true }, "2026-09-14T15:04:05.000Z");
  assert.deepEqual(s.result.score, { scaled: 0.8333, raw: 5, min: 0, max: 6 });
  assert.equal(s.context.extensions, undefined);
  assert.deepEqual(score(0, 0), { scaled: 0, raw: 0, min: 0, max: 0 });
  const course = { objectType: "Activity", id: `${P.base}/courses/security-awareness`, definition: { type: P.activity_types.course } };
  assert.equal(statement(P, LINK, "passed", course, base, null, "2026-09-14T15:04:05.000Z").context.contextActivities.parent, undefined);
});

test("a launch mode's registration and decorate hook shape the context (cmi5)", () => {
  const launch = { actor: ACTOR, registration: "reg-from-lms",
    decorate(context, extensions, verb) { context.contextActivities.category.push({ id: verb }); extensions.x = 1; } };
  const s = statement(P, launch, "completed", moduleActivity(P, base), base, null, "2026-09-14T15:04:05.000Z");
  assert.equal(s.context.registration, "reg-from-lms");
  assert.deepEqual(s.context.contextActivities.category.map((c) => c.id), [P.category, "completed"]);
  assert.deepEqual(s.context.extensions, { x: 1 });
});
