import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import test from "node:test";

import { canonical, isCorrect, sealedFeedback, unseal } from "../../build_tools/static/isdp/seal.js";

/* Sealed by the Python side (build_tools/courses/sealing.py) when ISDP_PYTHON names it, as
 * tests/test_js_units.py does; the pair must agree byte for byte. */
const python = process.env.ISDP_PYTHON;

test("the canonical response sorts the ids", () => {
  assert.equal(canonical(["c", "a"]), "a[,]c");
});

test("what Python seals, the browser opens; only the right response matches the hash",
  { skip: !python && "ISDP_PYTHON is not set (tests/test_js_units.py sets it)" }, async () => {
    const script = `
import base64, json
from build_tools.courses import sealing
salt = sealing.new_salt()
print(json.dumps({"salt": base64.b64encode(salt).decode(), "hash": sealing.key_hash(salt, ["c", "a"]),
  "sealed": sealing.seal(salt, sealing.feedback_label("a"), {"correct": True, "html": "<p>Yes: report it.</p>"})}))`;
    const out = JSON.parse(execFileSync(python, ["-c", script], { encoding: "utf-8" }));
    assert.equal(await isCorrect(out.salt, out.hash, ["a", "c"]), true);
    assert.equal(await isCorrect(out.salt, out.hash, ["c", "a"]), true);
    assert.equal(await isCorrect(out.salt, out.hash, ["a"]), false);
    assert.equal(await isCorrect(out.salt, out.hash, ["a", "b", "c"]), false);
    assert.deepEqual(await unseal(out.salt, "feedback:a", out.sealed), { correct: true, html: "<p>Yes: report it.</p>" });
    await assert.rejects(unseal(out.salt, "feedback:b", out.sealed), "another choice's key does not open it");
  });

test("a page's feedback file is fetched once and kept; a failed fetch is tried again next time", async (t) => {
  const asked = [];
  let offline = true;
  t.mock.method(globalThis, "fetch", async (url) => {
    asked.push(url);
    if (offline) { throw new TypeError("Failed to fetch"); }
    return new Response(JSON.stringify({ q1: { feedback: { a: "iv.data" }, explanation: "iv.data" } }),
      { headers: { "Content-Type": "application/json" } });
  });
  const url = "https://site.example/courses/demo/first.feedback-0a1b2c3d.json";
  await assert.rejects(sealedFeedback(url), TypeError, "offline: the caller is told");
  offline = false;
  const [one, two] = await Promise.all([sealedFeedback(url), sealedFeedback(url)]);
  assert.deepEqual(one.q1.feedback, { a: "iv.data" });
  assert.equal(one, two, "both uses share one fetch");
  await sealedFeedback(url);
  assert.deepEqual(asked, [url, url], "fetched again only after the failure, then kept");
});

test("a feedback file the server does not have (404) is an error, not empty feedback", async (t) => {
  t.mock.method(globalThis, "fetch", async () => new Response("Not found", { status: 404 }));
  await assert.rejects(sealedFeedback("https://site.example/gone.feedback-00000000.json"), /HTTP 404/);
});
