/* ISDP tracking runtime: quiz events -> xAPI statements -> the outbox -> the LRS.
 *
 * Three modes (DESIGN.md, "Tracking modes"): practice (no launch: nothing is sent, the page
 * says so), launch link (link.js) and cmi5 (cmi5.js). A mode is an object:
 *   { name, launch: {endpoint, actor, key, lea, registration?, decorate?}, ready: Promise,
 *     authorization(): header|null, secret(): the credential (keys the outbox's seal),
 *     whenSecret?: () => Promise of it, when the mode has it before `ready` (cmi5),
 *     onDrained: async () => enqueuedMore | null,
 *     alreadyHeld?: async (bodies, response) => ids the LRS holds (a 403/409 on a resend),
 *     handle(event, detail, timestamp): true when it dealt with the event itself,
 *     message(pending): text|{state, text}|null, render(statusNodes) }
 * and gets `core` (profile, storage, send(), sendModuleResult(), outbox).
 * A mode's module is imported only when the tab is in that mode (a practice page loads
 * neither); events that arrive meanwhile wait for it, in order.
 * No framework, no eval, no inline script: the page's CSP stays strict.
 */
import { readProfile } from "./profile.js";
import { readLaunch } from "./launch.js";
import { answeredResult, duration, interaction, moduleActivity, score, statement } from "./statements.js";
import { createOutbox, hmacSeal, queuedCount } from "./outbox.js";
import { status } from "./status.js";

const P = readProfile();
if (P) { start(); }

/* The mode's factory, from its module (fetched now, unless the browser has it). */
function loadMode(name) {
  return name === "cmi5" ? import("./cmi5.js").then((m) => m.cmi5Mode)
    : import("./link.js").then((m) => m.linkMode);
}

function start() {
  const options = { timeoutMs: 15000, ...(window.isdpTrackingOptions || {}) };
  let problem = null;
  let launch = null;
  try {
    launch = readLaunch(window.location, history, sessionStorage);
  } catch {
    problem = "This training link is damaged, so your answers cannot be recorded. " +
      "Ask your training coordinator for a new link.";
  }

  const core = { P, storage: localStorage, session: sessionStorage, doc: document,
    fetch: (...args) => window.fetch(...args) };
  let mode = null;
  let outbox = null;
  let lastQueued = null;  // the attempt whose module result was queued last (status.js)

  let loading = !!launch;  // the mode's module is on its way: nothing to tell yet

  function useMode(create) {
    mode = create(launch, core);
    outbox = createOutbox({
      storage: localStorage, owner: launch.key, options,
      post: (bodies) => post(bodies),
      seal: hmacSeal(() => (mode.whenSecret ? mode.whenSecret() : mode.ready.then(() => mode.secret()))),
      canSend: () => !!mode && !!mode.authorization(),
      onDrained: mode.onDrained,
      alreadyHeld: mode.alreadyHeld || null,
      onChange: render,
      onAcked: (bodies) => document.dispatchEvent(new CustomEvent("isdp:statements-acked", {
        detail: { ids: bodies.map((b) => b.id), verbs: bodies.map((b) => b.verb.id) } })),
      lock: navigator.locks ? (run) => navigator.locks.request("isdp-xapi-outbox", run) : null,
    });
    core.outbox = outbox;
    core.send = (verb, object, d, result, ts) => {
      const body = statement(P, mode.launch, verb, object, d, result, ts);
      outbox.enqueue(body);
      return body;
    };
    core.returnDelayMs = options.returnDelayMs;
    core.render = () => render();
    core.sendModuleResult = (d, ts) => {
      const took = duration(d.durationMs);
      const module = moduleActivity(P, d);
      core.send("completed", module, d, { completion: true, duration: took }, ts);
      core.send(d.passed ? "passed" : "failed", module, d,
        { score: score(d.score.raw, d.score.max), success: !!d.passed, duration: took }, ts);
      core.send("terminated", module, d, { duration: took }, ts);
    };
  }
  const name = () => (mode ? mode.name : loading ? launch.mode : "practice");

  function post(bodies) {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), options.timeoutMs);
    return window.fetch(`${mode.launch.endpoint}statements`, {
      method: "POST", signal: controller.signal, credentials: "omit", cache: "no-store",
      headers: { "Content-Type": "application/json", "X-Experience-API-Version": P.version,
        Authorization: mode.authorization() },
      body: JSON.stringify(bodies),
    }).finally(() => clearTimeout(timer));
  }

  function report(pending) {
    const s = outbox ? outbox.state : {};
    const say = (state, text) => ({ state, text, mode: name(), pending, lastQueued });
    if (problem) { return say("not-recorded", problem); }
    if (!mode) {
      const waiting = queuedCount(localStorage);
      return say("not-recorded", "Practice mode: your answers are not recorded. To have an attempt count toward your " +
        "annual training, open the personal link you received or launch the course from your learning system." +
        (waiting ? ` ${waiting} answer(s) from an earlier visit are kept in this browser: open your personal link again to send them.` : ""));
    }
    const own = mode.message(pending);  // text (recorded), or { state, text }
    if (own) { return typeof own === "string" ? say("recorded", own) : say(own.state, own.text); }
    const inMemory = outbox ? outbox.inMemoryOnly() : 0;
    if (inMemory) {
      return say("waiting", `${inMemory} answer(s) are not recorded yet: this browser's storage is full or ` +
        "disabled, so they are kept in this tab only. Keep this tab open until this says Recorded; " +
        "closing it now would lose them.");
    }
    if (s.refused) {
      return say("not-recorded", `The training record refused this link, so ${pending} answer(s) wait in this browser. ` +
        "Ask your training coordinator for a new link; do not clear your browser data meanwhile.");
    }
    if (s.offline && pending) {
      return say("waiting", `The training record cannot be reached right now. ${pending} answer(s) are kept in this ` +
        "browser and will be sent automatically when it is back; you can keep working.");
    }
    if (pending) { return say("waiting", `Saving to your training record: ${pending} answer(s) waiting.`); }
    if (s.acked) { return say("recorded", "Recorded: your training record has everything from this page."); }
    return say("waiting", "Your answers on this page will be recorded in your training record.");
  }

  function render() {
    if (loading) { return; }
    const nodes = document.querySelectorAll("[data-isdp-tracking-status]");
    status(report(outbox ? outbox.pending() : 0));
    if (mode) { mode.render(nodes); }
  }

  let loaded = Promise.resolve();
  let ready = loaded;
  if (launch) {
    loaded = loadMode(launch.mode).then(useMode, () => {
      problem = "This page could not load the part that records your answers (the site may be offline " +
        "or busy), so your answers are not recorded. Reload the page to try again.";
    }).finally(() => { loading = false; render(); });
    ready = loaded.then(() => mode && mode.ready.catch((err) => {
      problem = `Your learning system did not hand over this session (${err.message}). ` +
        "Close this window and launch the module again from your learning system.";
      mode = null;
      render();
    }));
  }

  for (const event of ["attempt-started", "question-answered", "module-completed"]) {
    document.addEventListener(`isdp:${event}`, (e) => {
      if (!mode && !loading) { return; }
      const d = e.detail || {};
      const ts = new Date().toISOString();
      ready.then(() => {
        if (!mode) { return; }
        if (!mode.handle(event, d, ts)) {
          if (event === "attempt-started") { core.send("initialized", moduleActivity(P, d), d, null, ts); }
          if (event === "question-answered") {
            const object = interaction(P, d);
            core.send("answered", object, d, answeredResult(object, d), ts);
          }
        }
        if (event === "module-completed") { lastQueued = d.attempt; }
        render();
      });
    });
  }

  window.addEventListener("online", () => { if (outbox) { outbox.resetBackoff(); outbox.schedule(0); } });
  window.isdpTracking = {
    version: 1,
    get mode() { return name(); },
    pending: () => (outbox ? outbox.pending() : 0),
    /* Nothing waiting, nothing in flight, nothing scheduled (tests and benchmarks). */
    idle: () => !loading && (!outbox || outbox.idle()),
    flush: () => loaded.then(() => { if (!outbox) { return undefined; } outbox.resetBackoff(); return outbox.flush(); }),
    ready: () => ready,
  };
  const begin = () => { render(); ready.then(() => { if (outbox && mode) { outbox.schedule(0); } }); };
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", begin); } else { begin(); }
}
