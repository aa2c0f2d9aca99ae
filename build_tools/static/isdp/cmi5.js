/* cmi5 mode: an AU that an LMS launches (cmi5 sections 7-11), behind the mode interface of
 * tracking.js. Every AU obligation and how it is met is listed on the xAPI profile page
 * (content/xapi-profile.md, "Under cmi5"); the reasons for the less obvious choices:
 *
 * - Startup (7.1.1, 8.2, 10, 11): POST the fetch URL once (the token is kept in this tab's
 *   sessionStorage), GET LMS.LaunchData, GET the learner preferences (an LMS may refuse every
 *   statement until they are read), GET our own per-registration record (State API), then
 *   send `initialized` ALONE and wait for its acknowledgement: an LMS counts the session as
 *   initialized only once that request has succeeded, so nothing else may share it.
 * - Once per registration (9.3): which of completed/passed/failed the LMS holds for this
 *   registration is kept in the State API under our own state id, so a retake sends only
 *   what is still allowed, whatever tab or device it runs in.
 * - Lost acknowledgements: a statement whose 200 never arrived is looked up by id before
 *   it is sent again (on restore) and, if the LMS reports a duplicate anyway, after.
 * - Exit (7.1.2, 10.2.6): `terminated` on every exit, with `fetch(keepalive)` on pagehide
 *   (a reload is an exit too: the LMS ends the session), then the returnURL if any.
 * - A launch is bound to its AU's page: any other page of this tab runs in practice mode.
 * - Timestamps come from one clock that never repeats a millisecond, so terminated is last.
 */
import { CMI5_KEY, safeUrl } from "./launch.js";
import { getJSON, keysWith, setJSON } from "./storage.js";
import { QUEUE_PREFIX, ownerHash } from "./outbox.js";
import { activity, answeredResult, duration, interaction, score } from "./statements.js";

const PREFERENCES = "cmi5LearnerPreferences";
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/* Same statement? The LRS may add stored/authority/version and rewrite the timestamp. */
function same(mine, theirs) {
  const pick = (s) => JSON.stringify([s.id, s.verb && s.verb.id, s.object && s.object.id,
    s.context && s.context.registration, s.result || null]);
  return !!theirs && pick(mine) === pick(theirs);
}

export function cmi5Mode(launch, core) {
  const { P, session, doc } = core;
  if (doc.location.pathname !== launch.page) { return awayMode(launch, core); }
  let cmi5 = null;  // this session: token, launch data, record, what was sent, the clock
  const acked = new Set();
  const waiters = new Map();
  const stateId = `${P.base}/states/cmi5-registration-record`;

  let knowToken;
  const tokenKnown = new Promise((resolve) => { knowToken = resolve; });
  const unacked = new Map();  // this page's statements not yet acknowledged, oldest first
  const save = () => setJSON(session, CMI5_KEY, cmi5);
  const data = () => (cmi5 ? cmi5.launchData : {});
  const mode = () => data().launchMode || "Normal";
  const lmsMastery = () => (typeof data().masteryScore === "number" ? data().masteryScore : null);
  const returnUrl = () => (typeof data().returnURL === "string" && data().returnURL
    ? safeUrl(data().returnURL, doc.location.href) : null);
  const auth = () => `Basic ${cmi5.token}`;
  const headers = (extra) => ({ Authorization: auth(), "X-Experience-API-Version": P.version, ...extra });
  const xapi = (path, params, init = {}) => core.fetch(`${launch.endpoint}${path}?${new URLSearchParams(params)}`,
    { credentials: "omit", cache: "no-store", ...init, headers: headers(init.headers) });
  const agent = JSON.stringify(launch.actor);
  const stateQuery = () => ({ stateId, activityId: launch.activityId, agent, registration: launch.registration });
  const courseFromPage = () => {
    const quiz = doc.querySelector("[data-isdp-course]");
    return quiz ? quiz.getAttribute("data-isdp-course") : "";
  };

  /* One clock for the session: never the same millisecond twice, never backwards. */
  function stamp() {
    cmi5.clock = Math.max(Date.now(), (cmi5.clock || 0) + 1);
    save();
    return new Date(cmi5.clock).toISOString();
  }

  /* Queue one statement; its id. */
  function send(verb, object, d, result) {
    if (cmi5.terminated) { return null; }
    const body = core.send(verb, object, { course: d.course || courseFromPage(), ...d }, result, stamp());
    unacked.set(body.id, body);
    if (P.cmi5.defined_verbs.includes(verb)) { cmi5.sent[verb] = true; }
    save();
    return body.id;
  }
  const auActivity = () => activity(P, launch.activityId, "module");
  const queued = () => keysWith(core.storage, `${QUEUE_PREFIX}${ownerHash(launch.key)}.`);

  function whenAcked(id) {
    if (!id || acked.has(id)) { return Promise.resolve(); }
    return new Promise((resolve) => waiters.set(id, resolve));
  }
  doc.addEventListener("isdp:statements-acked", (e) => {
    for (const id of e.detail.ids) {
      acked.add(id);
      unacked.delete(id);
      if (waiters.has(id)) { waiters.get(id)(); waiters.delete(id); }
    }
  });

  /* Our per-registration record, in the LMS's State API (an AU-owned state id). Written
     before terminated: an LMS refuses the token once the session has ended. */
  function writeRecord() {
    return xapi("activities/state", stateQuery(), { method: "PUT", headers: { "Content-Type": "application/json" },
      body: JSON.stringify(cmi5.record) }).catch(() => null);  // rewritten at the next verdict
  }

  /* Statements of ours the LRS already holds (a lost 200): removed from the outbox unsent. */
  async function reconcile() {
    for (const key of queued()) {
      const entry = getJSON(core.storage, key);
      if (!entry || !entry.statement) { continue; }
      const r = await xapi("statements", { statementId: entry.statement.id }).catch(() => null);
      if (!r || !r.ok) { continue; }
      const body = await r.json().catch(() => null);
      const theirs = body && (body.statements ? body.statements[0] : body);
      if (same(entry.statement, theirs)) { core.storage.removeItem(key); acked.add(entry.statement.id); }
    }
  }

  /* After a pagehide's keepalive request: did it arrive? Asking for our terminated answers
     either the statement or, from an LMS that ends the token with the session (8.1.2.0-2),
     a refusal: both mean it did. Only a network failure leaves them queued. */
  async function closed() {
    const last = cmi5.closedWith[cmi5.closedWith.length - 1];
    for (let tries = 0; tries < 10; tries++) {  // the keepalive request may still be on its way
      const r = await xapi("statements", { statementId: last }).catch(() => null);
      if (!r) { return; }  // offline: the outbox sends them when it can
      const text = r.ok ? "" : await r.text().catch(() => "");
      if (r.ok || text.includes("8.1.2.0-2")) { break; }
      if (tries === 9) { return; }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const ids = new Set(cmi5.closedWith);
    for (const key of queued()) { if (ids.has(key.split(".").pop())) { core.storage.removeItem(key); } }
    cmi5.closedWith = [];
    save();
  }

  async function start() {
    const saved = getJSON(session, CMI5_KEY);
    if (saved) {
      cmi5 = saved;
      knowToken(cmi5.token);
      if (!cmi5.terminated) { await reconcile(); } else if ((cmi5.closedWith || []).length) { await closed(); }
    } else {
      const r = await core.fetch(launch.fetch, { method: "POST", credentials: "omit", cache: "no-store" });
      const body = await r.json();
      if (!body["auth-token"]) { throw new Error(`fetch URL gave no token (error ${body["error-code"]})`); }
      cmi5 = { token: body["auth-token"], sent: {}, record: {}, clock: 0 };
      knowToken(cmi5.token);
      const launchData = await xapi("activities/state", { stateId: "LMS.LaunchData", activityId: launch.activityId,
        agent, registration: launch.registration });
      if (!launchData.ok) { throw new Error(`LMS.LaunchData: HTTP ${launchData.status}`); }
      cmi5.launchData = await launchData.json();
      const prefs = await xapi("agents/profile", { profileId: PREFERENCES, agent });
      if (prefs.status !== 200 && prefs.status !== 404) { throw new Error(`learner preferences: HTTP ${prefs.status}`); }
      // Our pages are in US English and have no audio, so the preferences change nothing.
      cmi5.preferences = prefs.status === 200 ? await prefs.json().catch(() => ({})) : {};
      const record = await xapi("activities/state", stateQuery());
      cmi5.record = record.ok ? await record.json().catch(() => ({})) : {};
      cmi5.startedAt = Date.now();
      save();
      cmi5.initializedId = send("initialized", auActivity(), {}, null);
      save();
    }
    applyMastery();
    core.outbox.schedule(0);
    if (!cmi5.initializedAcked && !cmi5.terminated) {
      // Sent by this page, or still queued from the last one: wait for the LMS's answer.
      const waiting = unacked.has(cmi5.initializedId) || queued().some((k) => k.endsWith(`.${cmi5.initializedId}`));
      if (waiting) { await whenAcked(cmi5.initializedId); }
      cmi5.initializedAcked = true;
      save();
    }
  }

  /* The quiz judges by the LMS's masteryScore when there is one (10.2.4). */
  function applyMastery() {
    if (lmsMastery() === null) { return; }
    for (const node of doc.querySelectorAll("[data-isdp-mastery]")) {
      node.setAttribute("data-isdp-mastery", String(lmsMastery()));
    }
  }

  /* cmi5 9.6, 10.2.1: the whole context template, the LMS's activities first. */
  function decorate(context, extensions, verb) {
    const category = context.contextActivities.category;
    if (P.cmi5.defined_verbs.includes(verb)) {
      category.push({ objectType: "Activity", id: P.cmi5.category });
      if (P.cmi5.moveon_verbs.includes(verb)) { category.push({ objectType: "Activity", id: P.cmi5.moveon_category }); }
    }
    const template = JSON.parse(JSON.stringify(data().contextTemplate || {}));
    for (const [key, value] of Object.entries(template)) {
      if (key === "contextActivities") {
        for (const [kind, acts] of Object.entries(value || {})) {
          context.contextActivities[kind] = (Array.isArray(acts) ? acts : [acts]).concat(context.contextActivities[kind] || []);
        }
      } else if (key === "extensions") {
        Object.assign(extensions, value);
      } else if (key !== "registration") {
        context[key] = value;
      }
    }
    if ((verb === "passed" || verb === "failed") && lmsMastery() !== null) {
      extensions[P.cmi5.extensions.masteryscore] = lmsMastery();
    }
  }

  function terminatedResult() { return { duration: duration(Date.now() - cmi5.startedAt) }; }

  function finish(d) {
    const took = duration(d.durationMs);
    const scored = score(d.score.raw, d.score.max);
    const mastery = lmsMastery() !== null ? lmsMastery() : d.masteryScore;
    const passed = typeof mastery === "number" ? scored.scaled >= mastery : !!d.passed;
    cmi5.verdict = { passed, mastery, scaled: scored.scaled };
    const verdicts = [];
    if (mode() === "Normal") {
      const { record, sent } = cmi5;
      if (!record.completed && !sent.completed) {
        verdicts.push(["completed", send("completed", auActivity(), d, { completion: true, duration: took })]);
      }
      const judged = record.passed || sent.passed || (passed ? false : sent.failed);
      if (!judged) {
        const verb = passed ? "passed" : "failed";
        verdicts.push([verb, send(verb, auActivity(), d, { score: scored, success: passed, duration: took })]);
      }
    }
    cmi5.finishing = true;
    save();
    // Acknowledged, then remembered for the registration, then the session ends.
    const remembered = verdicts.length
      ? Promise.all(verdicts.map(([, id]) => whenAcked(id))).then(() => {
        for (const [verb] of verdicts) { cmi5.record[verb] = true; }
        save();
        return writeRecord();
      })
      : Promise.resolve();
    remembered.then(() => {
      if (cmi5.terminated) { return null; }  // the learner left meanwhile (pagehide sent it)
      const id = send("terminated", auActivity(), d, terminatedResult());
      cmi5.terminated = true;
      save();
      core.render && core.render();
      return whenAcked(id);
    }).then(() => {
      const back = returnUrl();
      if (back) { setTimeout(() => doc.location.assign(back), core.returnDelayMs ?? 2500); }
    });
  }

  /* pagehide: the learner is leaving (closing, navigating, reloading). terminated goes with
     whatever is still queued, in one keepalive request, so it is the last statement. */
  function leave() {
    if (!cmi5 || cmi5.terminated || !cmi5.initializedAcked) { return; }  // not started: nothing to end
    send("terminated", auActivity(), {}, terminatedResult());
    cmi5.terminated = true;
    const bodies = [...unacked.values()];  // this page's own, in order (sealing is async)
    cmi5.closedWith = bodies.map((b) => b.id);
    save();
    try {
      core.fetch(`${launch.endpoint}statements`, { method: "POST", keepalive: true, credentials: "omit",
        headers: headers({ "Content-Type": "application/json" }), body: JSON.stringify(bodies) }).catch(() => null);
    } catch { /* the outbox keeps them for the next page of this launch */ }
  }
  core.doc.defaultView.addEventListener("pagehide", leave);

  /* The outbox's hook for a 403/409: the ids of BODIES that the LMS holds, or has no use
     for, so they are not sent again. */
  async function alreadyHeld(bodies, response) {
    const text = await response.clone().text().catch(() => "");
    const named = new Set((text.match(UUID) || []).map((s) => s.toLowerCase()));
    if (/^\W*(\{"message":\s*")?\W*8\.1\.2\.0-2/.test(text) || text.includes("8.1.2.0-2")) {
      // The session is over. Terminated (ours, sent on pagehide) held all of these; after an
      // abandon by a newer launch nothing of this session can be recorded any more.
      if (/abandon/i.test(text)) { cmi5.abandoned = true; save(); }
      return bodies.map((b) => b.id);
    }
    if (/9\.3\.0\.0-[678]/.test(text)) {  // the LMS holds that verdict for this registration
      return bodies.filter((b) => named.has(b.id)).map((b) => b.id);
    }
    const held = [];
    for (const body of bodies) {  // a duplicate (9.3.0.0-2, 409): held only if it is ours
      const r = await xapi("statements", { statementId: body.id }).catch(() => null);
      if (!r || !r.ok) { continue; }
      const found = await r.json().catch(() => null);
      if (same(body, found && (found.statements ? found.statements[0] : found))) { held.push(body.id); }
    }
    return held;
  }

  function percent(x) { return `${Math.round(x * 100)}%`; }

  return {
    name: "cmi5",
    launch: { ...launch, decorate },
    ready: start(),
    authorization: () => (cmi5 && cmi5.token ? auth() : null),
    secret: () => cmi5.token,  // the session's token seals its outbox entries
    whenSecret: () => tokenKnown,  // before ready: initialized must be sealed to be sent
    onDrained: null,
    alreadyHeld,
    handle(event, d) {
      // initialized went at launch; nothing after the module's result
      if (event === "attempt-started" || cmi5.terminated || cmi5.finishing) { return true; }
      if (event === "question-answered") {
        const object = interaction(P, d);
        send("answered", object, d, answeredResult(object, d));
        return true;
      }
      finish(d);
      return true;
    },
    message(pending) {
      if (!cmi5) { return null; }
      const m = mode();
      if (cmi5.abandoned) {
        return { state: "not-recorded", text: "Your learning system started a newer session of this module, so nothing " +
          "more from this page is recorded. Continue in the window your learning system opened last." };
      }
      if (m !== "Normal") {
        const why = m === "Review" ? "Review mode: you have already completed this module, and this visit"
          : "Browse mode: this visit is for looking around, and it";
        return { state: "not-recorded", text: `${why} does not count toward your training: your result is not changed. ` +
          (cmi5.terminated ? "This session is over: return to your learning system." : "") };
      }
      if (!cmi5.terminated || pending) { return pendingNote(); }  // the runtime's own words
      const v = cmi5.verdict;
      if (!v) {
        return { state: "not-recorded", text: "This session is over: the page was left or reloaded, and your " +
          "learning system has been told. Launch the module again from your learning system to continue." };
      }
      const verdict = (cmi5.record.passed && !cmi5.sent.passed
        ? "You had already passed this module in this enrollment; this attempt does not change that. "
        : `${v.passed ? "Passed" : "Not passed"}: you scored ${percent(v.scaled)} and the pass mark your learning system set is ${percent(v.mastery)}. `);
      return { state: "recorded", text: `Your result is recorded. ${verdict}This session is over: ` +
        (returnUrl() ? "returning you to your learning system." : "return to your learning system to continue.") };
    },
    render(nodes) {
      const back = cmi5 && cmi5.terminated && returnUrl();
      if (!back) { return; }
      for (const node of nodes) {
        if (!node.nextElementSibling || !node.nextElementSibling.hasAttribute("data-isdp-return")) {
          const a = doc.createElement("a");
          a.href = back;
          a.textContent = "Return to your learning system";
          a.setAttribute("data-isdp-return", "");
          node.insertAdjacentElement("afterend", a);
        }
      }
    },
  };

  /* While nothing waits and nothing is wrong: the LMS's pass mark. Otherwise the runtime's
     own words (saving, offline, refused). */
  function pendingNote() {
    const mastery = lmsMastery();
    const o = core.outbox.state;
    if (mastery === null || cmi5.terminated || core.outbox.pending() || o.refused || o.offline || o.storageFull) {
      return null;
    }
    return { state: o.acked ? "recorded" : "waiting", text: "Your answers go to your learning system, " +
      `whose pass mark for this module is ${percent(mastery)}.` };
  }
}

/* A page of this tab other than the AU's: the launch is not for it (practice mode). */
function awayMode(launch, core) {
  const saved = getJSON(core.session, CMI5_KEY);
  const back = saved && saved.launchData && typeof saved.launchData.returnURL === "string"
    ? safeUrl(saved.launchData.returnURL, core.doc.location.href) : null;
  return {
    name: "practice",
    launch,
    ready: Promise.resolve(),
    authorization: () => null,
    secret: () => "",  // nothing is ever queued here
    onDrained: null,
    handle: () => true,
    message: () => ({ state: "not-recorded", text: "Practice mode: your learning system opened another module " +
      "in this window, so your answers on this page are not recorded. To have this module count, return to your " +
      "learning system and launch it from there." }),
    render(nodes) {
      if (!back) { return; }
      for (const node of nodes) {
        if (!node.nextElementSibling || !node.nextElementSibling.hasAttribute("data-isdp-return")) {
          const a = core.doc.createElement("a");
          a.href = back;
          a.textContent = "Return to your learning system";
          a.setAttribute("data-isdp-return", "");
          node.insertAdjacentElement("afterend", a);
        }
      }
    },
  };
}
