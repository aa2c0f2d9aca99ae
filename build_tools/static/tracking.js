/* ISDP tracking runtime: quiz events -> xAPI statements -> a durable outbox -> the LRS.
 *
 * Why it is shaped like this (DESIGN.md, "Tracking modes"):
 * - Three modes. Practice (no launch parameters): nothing is sent, the page says so.
 *   Launch link: endpoint, actor and credential arrive in the URL fragment (never sent to
 *   the web server), are kept in sessionStorage and the fragment is removed from the
 *   address bar. cmi5: the LMS's query parameters, a token from the fetch URL and
 *   LMS.LaunchData from the State API.
 * - Durable outbox: each statement gets its id and timestamp when it is made, is written to
 *   localStorage (one key per statement, so tabs never overwrite each other's queue) BEFORE
 *   any send, and is removed only when the LRS acknowledges it (200/204). Network errors,
 *   5xx and 429 are retried with backoff; a 409 (the LRS holds different content under that
 *   id) is logged and dropped. Resending the same id and content is harmless (idempotent).
 * - IRIs, verbs and categories come from the profile the build writes into the page
 *   (meta isdp-xapi-profile, from build_tools/xapi/profile.py): none is hard-coded here.
 * No framework, no eval, no inline script: the page's CSP stays strict.
 */
(function () {
  "use strict";

  var QUEUE_PREFIX = "isdp.xapi.q.";
  var REJECTED_KEY = "isdp.xapi.rejected";
  var LAUNCH_KEY = "isdp.xapi.launch";
  var CMI5_KEY = "isdp.xapi.cmi5";
  var CHECK_PREFIX = "isdp.xapi.course-check.";
  var OPTIONS = Object.assign({ batchSize: 50, retryBaseMs: 1000, retryMaxMs: 30000, timeoutMs: 15000 },
    window.isdpTrackingOptions || {});

  var meta = document.querySelector('meta[name="isdp-xapi-profile"]');
  if (!meta) { return; }
  var P = JSON.parse(meta.getAttribute("content"));

  var state = {
    mode: "practice", launch: null, problem: null, backoff: 0, timer: null, sending: false,
    acked: 0, offline: false, refused: false, seq: 0, cmi5: null, terminated: false
  };
  var ready = Promise.resolve();

  // ---------------------------------------------------------------- launch parameters
  function storageGet(store, key) {
    try { var v = store.getItem(key); return v ? JSON.parse(v) : null; } catch (e) { return null; }
  }
  function storageSet(store, key, value) { store.setItem(key, JSON.stringify(value)); }

  function withSlash(url) { return url.charAt(url.length - 1) === "/" ? url : url + "/"; }

  function checkedEndpoint(value) {
    var url = new URL(value);
    if (url.protocol !== "https:" && url.protocol !== "http:") { throw new Error("endpoint"); }
    return withSlash(url.href);
  }

  function actorKey(actor) {
    if (actor.account) { return "account:" + actor.account.homePage + "|" + actor.account.name; }
    return "mbox:" + (actor.mbox || actor.mbox_sha1sum || actor.openid);
  }

  function readLaunch() {
    var query = new URLSearchParams(window.location.search);
    var cmi5 = ["endpoint", "fetch", "actor", "registration", "activityId"];
    if (cmi5.every(function (k) { return query.get(k); })) {
      var launch = { mode: "cmi5", endpoint: checkedEndpoint(query.get("endpoint")),
        fetch: query.get("fetch"), actor: JSON.parse(query.get("actor")),
        registration: query.get("registration"), activityId: query.get("activityId") };
      launch.key = launch.endpoint + "|" + actorKey(launch.actor) + "|" + launch.registration;
      storageSet(sessionStorage, LAUNCH_KEY, launch);
      sessionStorage.removeItem(CMI5_KEY);  // a new launch is a new session
      cmi5.forEach(function (k) { query.delete(k); });
      var rest = query.toString();
      history.replaceState(history.state, "", window.location.pathname + (rest ? "?" + rest : "") + window.location.hash);
      return launch;
    }
    var hash = new URLSearchParams(window.location.hash.slice(1));
    if (hash.get("endpoint") && hash.get("auth") && hash.get("actor")) {
      // Remove the credential from the address bar (and so from history and bookmarks) first.
      history.replaceState(history.state, "", window.location.pathname + window.location.search);
      var link = { mode: "link", endpoint: checkedEndpoint(hash.get("endpoint")), auth: hash.get("auth"),
        actor: JSON.parse(hash.get("actor")), lea: hash.get("lea") || null };
      if (!link.actor || typeof link.actor !== "object") { throw new Error("actor"); }
      link.key = link.endpoint + "|" + actorKey(link.actor);
      storageSet(sessionStorage, LAUNCH_KEY, link);
      return link;
    }
    return storageGet(sessionStorage, LAUNCH_KEY);
  }

  try {
    state.launch = readLaunch();
  } catch (err) {
    state.problem = "This training link is damaged, so your answers cannot be recorded. " +
      "Ask your training coordinator for a new link.";
    state.launch = null;
  }
  if (state.launch) { state.mode = state.launch.mode; }

  // ---------------------------------------------------------------- statements
  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function cycleOf(iso) {
    var d = new Date(iso), year = d.getUTCFullYear();
    var first = d.getUTCMonth() + 1 >= P.cycle_start_month ? year : year - 1;
    return first + "-" + (first + 1);
  }
  function courseIri(course) { return P.base + "/courses/" + course; }
  function activity(iri, kind, definition) {
    return { objectType: "Activity", id: iri, definition: Object.assign({ type: P.activity_types[kind] }, definition || {}) };
  }
  function moduleActivity(d) { return activity(courseIri(d.course) + "/modules/" + d.module, "module"); }
  function duration(ms) { return "PT" + String(Math.round(ms / 10) / 100) + "S"; }
  function score(raw, max) {
    var scaled = max === 0 ? 0 : Math.round((raw / max) * 10000) / 10000;
    return { scaled: scaled, raw: raw, min: 0, max: max };
  }

  function trueFalse(choices, id) {
    for (var i = 0; i < choices.length; i++) {
      if (choices[i].id !== id) { continue; }
      var values = [choices[i].id, choices[i].text || ""];
      for (var j = 0; j < values.length; j++) {
        var v = values[j].trim().toLowerCase();
        if (v === "true" || v === "false") { return v; }
      }
    }
    return null;
  }
  function pattern(type, choices, response) {
    if (type === "true-false") { return response.length ? (trueFalse(choices, response[0]) || "") : ""; }
    return response.join("[,]");
  }
  function interaction(d) {
    var type = P.interaction_types[d.kind];
    /* No correctResponsesPattern: the learner can read the statement, and the report
       re-scores the answers against the keys in the course sources. */
    var unreadable = d.choices.some(function (c) { return trueFalse(d.choices, c.id) === null; });
    if (type === "true-false" && unreadable) { type = "choice"; }
    var def = { interactionType: type };
    if (d.prompt) { def.description = { "en-US": d.prompt }; }
    if (type === "choice") {
      def.choices = d.choices.map(function (c) { return { id: c.id, description: { "en-US": c.text || c.id } }; });
    }
    return activity(courseIri(d.course) + "/questions/" + d.question, "question", def);
  }

  /* The same shape as profile.statement() in Python (tests compare the two). */
  function statement(verb, object, d, result, timestamp) {
    var cmi5 = state.mode === "cmi5";
    var category = [{ objectType: "Activity", id: P.category }];
    if (cmi5 && P.cmi5.defined_verbs.indexOf(verb) >= 0) {
      category.push({ objectType: "Activity", id: P.cmi5.category });
      if (P.cmi5.moveon_verbs.indexOf(verb) >= 0) { category.push({ objectType: "Activity", id: P.cmi5.moveon_category }); }
    }
    var context = { registration: cmi5 ? state.launch.registration : d.attempt,
      contextActivities: {
        grouping: [{ objectType: "Activity", id: P.base + "/cycles/" + cycleOf(timestamp), definition: { type: P.cycle_type } }],
        category: category } };
    if (object.id !== courseIri(d.course)) { context.contextActivities.parent = [activity(courseIri(d.course), "course")]; }
    var extensions = {};
    if (state.launch && state.launch.lea) { extensions[P.lea_extension] = state.launch.lea; }
    if (cmi5) { mergeTemplate(context, extensions, verb); }
    if (Object.keys(extensions).length) { context.extensions = extensions; }
    var body = { id: uuid(), actor: state.launch.actor, verb: { id: P.verbs[verb], display: { "en-US": verb } },
      object: object, context: context, timestamp: timestamp };
    if (result) { body.result = result; }
    return body;
  }

  /* cmi5 9.6: every statement carries the LMS's context template (session id, publisher id). */
  function mergeTemplate(context, extensions, verb) {
    var template = (state.cmi5 && state.cmi5.launchData.contextTemplate) || {};
    var acts = template.contextActivities || {};
    ["grouping", "parent", "category", "other"].forEach(function (k) {
      if (acts[k]) { context.contextActivities[k] = acts[k].concat(context.contextActivities[k] || []); }
    });
    Object.assign(extensions, template.extensions || {});
    var mastery = state.cmi5 && state.cmi5.launchData.masteryScore;
    if ((verb === "passed" || verb === "failed") && typeof mastery === "number") {
      extensions[P.cmi5.extensions.masteryscore] = mastery;
    }
  }

  // ---------------------------------------------------------------- outbox
  function queueKeys() {
    // Object.keys() is several times faster than a key(i) loop over 1,000 entries.
    return Object.keys(localStorage).filter(function (k) { return k.indexOf(QUEUE_PREFIX) === 0; }).sort();
  }
  function pad(n, width) { var s = String(n); while (s.length < width) { s = "0" + s; } return s; }

  function enqueue(body) {
    // Saved before any send: if the tab dies now, the statement is still here next time.
    var key = myPrefix() + pad(Date.now(), 15) + "." + pad(state.seq++, 6) + "." + body.id;
    try {
      localStorage.setItem(key, JSON.stringify({ key: state.launch.key, statement: body }));
    } catch (err) {
      state.problem = "This browser could not save your answers (its storage is full or disabled). " +
        "Free some space or use another browser, then answer again.";
    }
    schedule(0);
  }

  /* Queue keys start with a hash of (endpoint, actor): a learner's statements are only ever
     sent with that learner's own credential, even on a shared computer. */
  function myPrefix() {
    var text = state.launch ? state.launch.key : "", h = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) { h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0; }
    return QUEUE_PREFIX + pad(h.toString(16), 8) + ".";
  }
  function mine() {
    if (!state.launch) { return []; }
    var prefix = myPrefix();
    return queueKeys().filter(function (k) { return k.indexOf(prefix) === 0; });
  }
  function othersWaiting() { return queueKeys().length - mine().length; }

  function schedule(delay) {
    if (!state.launch || state.mode === "practice") { return; }
    if (state.timer) { clearTimeout(state.timer); }
    state.timer = setTimeout(function () { state.timer = null; flush(); }, delay);
  }
  function retryLater(retryAfterSeconds) {
    state.backoff += 1;
    var delay = Math.min(OPTIONS.retryMaxMs, OPTIONS.retryBaseMs * Math.pow(2, state.backoff - 1));
    delay = delay * (0.5 + Math.random() / 2);
    if (retryAfterSeconds > 0) { delay = Math.max(delay, retryAfterSeconds * 1000); }
    schedule(delay);
  }

  function authorization() {
    if (state.mode === "cmi5") { return state.cmi5 && state.cmi5.token ? "Basic " + state.cmi5.token : null; }
    return state.launch.auth;
  }

  function post(bodies) {
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, OPTIONS.timeoutMs);
    return fetch(state.launch.endpoint + "statements", {
      method: "POST", signal: controller.signal, credentials: "omit", cache: "no-store",
      headers: { "Content-Type": "application/json", "X-Experience-API-Version": P.version,
        "Authorization": authorization() },
      body: JSON.stringify(bodies)
    }).finally(function () { clearTimeout(timer); });
  }

  function flush() {
    if (state.sending || !state.launch || !authorization()) { return Promise.resolve(); }
    var run = function () { return drain(); };
    state.sending = true;
    // One sender per browser at a time; a resend from another tab would be harmless anyway.
    var locked = navigator.locks ? navigator.locks.request("isdp-xapi-outbox", run) : run();
    return locked.finally(function () { state.sending = false; render(); });
  }

  function drain() {
    var keys = mine().slice(0, OPTIONS.batchSize);
    if (!keys.length) {
      return checkCourses().then(function (enqueued) {
        if (enqueued) { return drain(); }
        state.offline = false; state.backoff = 0; render();
        return undefined;
      });
    }
    return sendBatch(keys).then(function (outcome) {
      render();
      return outcome === "sent" ? drain() : undefined;  // else a retry is scheduled
    });
  }

  function sendBatch(keys) {
    var entries = keys.map(function (k) { return storageGet(localStorage, k); });
    var bodies = entries.map(function (e) { return e.statement; });
    return post(bodies).then(function (response) {
      var status = response.status;
      if (status === 200 || status === 204) {
        keys.forEach(function (k) { localStorage.removeItem(k); });
        state.offline = false; state.refused = false; state.backoff = 0;
        state.acked += keys.length;
        document.dispatchEvent(new CustomEvent("isdp:statements-acked", {
          detail: { ids: bodies.map(function (b) { return b.id; }), verbs: bodies.map(function (b) { return b.verb.id; }) } }));
        return "sent";
      }
      if ((status === 409 || status === 400 || status === 413) && keys.length > 1) {
        // The LRS refuses a whole batch for one statement: find it by sending one at a time.
        return keys.reduce(function (chain, k) {
          return chain.then(function (outcome) { return outcome === "sent" ? sendBatch([k]) : outcome; });
        }, Promise.resolve("sent"));
      }
      if (status === 409) {
        console.warn("isdp: the LRS already holds a different statement with id " + bodies[0].id +
          "; this copy was dropped.");
        localStorage.removeItem(keys[0]);
        return "sent";
      }
      if (status === 400) {
        console.error("isdp: the LRS rejected statement " + bodies[0].id + " as invalid; kept under " + REJECTED_KEY);
        var rejected = storageGet(localStorage, REJECTED_KEY) || [];
        rejected.push(bodies[0]);
        storageSet(localStorage, REJECTED_KEY, rejected);
        localStorage.removeItem(keys[0]);
        return "sent";
      }
      // 401/403: the credential was refused (kept: it may be restored); 429, 5xx and anything
      // else: the LRS is unwell. Either way the statements stay and we try again later.
      if (status === 401 || status === 403) { state.refused = true; } else { state.offline = true; }
      retryLater(Number(response.headers.get("Retry-After")) || 0);
      return "waiting";
    }, function () {
      state.offline = true;
      retryLater(0);
      return "waiting";
    });
  }

  // ---------------------------------------------------------------- course completion
  /* The compliance report counts a course as passed on a `passed` statement for the course.
     Once a module is passed (and acknowledged), ask the LRS which modules of the course this
     learner has passed this cycle (their credential reads only their own statements, so
     this works across devices); when all are, send the course's `passed`, once. */
  function checkPrefix() { return CHECK_PREFIX + myPrefix().slice(QUEUE_PREFIX.length); }

  function checkCourses() {
    if (state.mode !== "link") { return Promise.resolve(false); }
    var prefix = checkPrefix();
    var markers = Object.keys(localStorage).filter(function (k) { return k.indexOf(prefix) === 0; });
    if (!markers.length) { return Promise.resolve(false); }
    var now = new Date().toISOString(), cycle = P.base + "/cycles/" + cycleOf(now);
    return ownStatements(cycleStart(now)).then(function (statements) {
      var enqueued = false;
      markers.forEach(function (key) {
        var marker = storageGet(localStorage, key);
        localStorage.removeItem(key);
        if (!marker) { return; }
        var course = courseIri(marker.course);
        var inCycle = statements.filter(function (s) {
          return s.verb.id === P.verbs.passed && ((s.context || {}).contextActivities || {}).grouping &&
            s.context.contextActivities.grouping.some(function (g) { return g.id === cycle; });
        });
        if (inCycle.some(function (s) { return s.object.id === course; })) { return; }
        var passed = inCycle.map(function (s) { return s.object.id; });
        var all = P.courses[marker.course].every(function (m) { return passed.indexOf(course + "/modules/" + m) >= 0; });
        if (all) {
          enqueue(statement("passed", activity(course, "course"), { course: marker.course, attempt: marker.attempt },
            { success: true, completion: true }, now));
          enqueued = true;
        }
      });
      return enqueued;
    }, function () {
      state.offline = true;
      retryLater(0);
      return false;
    });
  }

  function cycleStart(iso) {
    var first = Number(cycleOf(iso).split("-")[0]);
    return new Date(Date.UTC(first, P.cycle_start_month - 1, 1)).toISOString();
  }

  function ownStatements(since) {
    var found = [];
    var url = state.launch.endpoint + "statements?" + new URLSearchParams({
      agent: JSON.stringify(state.launch.actor), since: since, limit: "500" }).toString();
    function page(address) {
      return fetch(address, { credentials: "omit", cache: "no-store",
        headers: { "Authorization": authorization(), "X-Experience-API-Version": P.version } })
        .then(function (r) { if (!r.ok) { throw new Error("HTTP " + r.status); } return r.json(); })
        .then(function (body) {
          found = found.concat(body.statements || []);
          return body.more ? page(new URL(body.more, state.launch.endpoint).href) : found;
        });
    }
    return page(url);
  }

  // ---------------------------------------------------------------- what the learner sees
  function message(pending) {
    if (state.problem) { return state.problem; }
    if (state.mode === "practice") {
      var waiting = othersWaiting();
      return "Practice mode: your answers are not recorded. To have an attempt count toward your " +
        "annual training, open the personal link you received or launch the course from your learning system." +
        (waiting ? " " + waiting + " answer(s) from an earlier visit are kept in this browser: open your personal link again to send them." : "");
    }
    if (state.terminated && state.mode === "cmi5" && !pending) {
      return "Your result is recorded. This session is over: return to your learning system to continue.";
    }
    if (state.refused) {
      return "The training record refused this link, so " + pending + " answer(s) wait in this browser. " +
        "Ask your training coordinator for a new link; do not clear your browser data meanwhile.";
    }
    if (state.offline && pending) {
      return "The training record cannot be reached right now. " + pending + " answer(s) are kept in this " +
        "browser and will be sent automatically when it is back; you can keep working.";
    }
    if (pending) { return "Saving to your training record: " + pending + " answer(s) waiting."; }
    if (state.acked) { return "Recorded: your training record has everything from this page."; }
    return "Your answers on this page will be recorded in your training record.";
  }

  /* Only http(s) links from the LMS's launch data: never a javascript: URL. */
  function safeUrl(value) {
    try {
      var url = new URL(value, window.location.href);
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
    } catch (e) { return null; }
  }

  function render() {
    var pending = state.launch ? mine().length : 0;
    var text = message(pending);
    var nodes = document.querySelectorAll("[data-isdp-tracking-status]");
    for (var i = 0; i < nodes.length; i++) {
      if (nodes[i].textContent !== text) { nodes[i].textContent = text; }
      nodes[i].setAttribute("data-isdp-tracking-mode", state.mode);
      nodes[i].setAttribute("data-isdp-pending", String(pending));
    }
    if (state.mode === "cmi5" && state.terminated && state.cmi5 && safeUrl(state.cmi5.launchData.returnURL)) {
      for (var j = 0; j < nodes.length; j++) {
        if (!nodes[j].nextElementSibling || !nodes[j].nextElementSibling.hasAttribute("data-isdp-return")) {
          var a = document.createElement("a");
          a.href = safeUrl(state.cmi5.launchData.returnURL);
          a.textContent = "Return to your learning system";
          a.setAttribute("data-isdp-return", "");
          nodes[j].insertAdjacentElement("afterend", a);
        }
      }
    }
  }

  // ---------------------------------------------------------------- cmi5 session
  function cmi5Session() {
    var saved = storageGet(sessionStorage, CMI5_KEY);
    if (saved) { state.cmi5 = saved; state.terminated = !!saved.terminated; return Promise.resolve(); }
    var L = state.launch;
    // The fetch URL answers once: the token is kept for this session (reloads included).
    return fetch(L.fetch, { method: "POST", credentials: "omit", cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        if (!body["auth-token"]) { throw new Error("fetch URL gave no token (error " + body["error-code"] + ")"); }
        var token = body["auth-token"];
        var q = new URLSearchParams({ stateId: "LMS.LaunchData", activityId: L.activityId,
          agent: JSON.stringify(L.actor), registration: L.registration });
        return fetch(L.endpoint + "activities/state?" + q.toString(), { credentials: "omit", cache: "no-store",
          headers: { "Authorization": "Basic " + token, "X-Experience-API-Version": P.version } })
          .then(function (r) {
            if (!r.ok) { throw new Error("LMS.LaunchData: HTTP " + r.status); }
            return r.json();
          })
          .then(function (launchData) {
            state.cmi5 = { token: token, launchData: launchData, sent: {}, startedAt: Date.now() };
            saveCmi5();
            var started = new Date().toISOString();
            sendCmi5("initialized", {}, null, started);
          });
      });
  }
  function saveCmi5() { storageSet(sessionStorage, CMI5_KEY, Object.assign({}, state.cmi5, { terminated: state.terminated })); }
  function auActivity() { return activity(state.launch.activityId, "module"); }
  function sendCmi5(verb, d, result, timestamp) {
    if (state.terminated || state.cmi5.sent[verb]) { return; }
    d = Object.assign({ course: d.course || courseFromPage() }, d);
    enqueue(statement(verb, auActivity(), d, result, timestamp));
    state.cmi5.sent[verb] = true;
    saveCmi5();
  }
  function courseFromPage() {
    var quiz = document.querySelector("[data-isdp-course]");
    return quiz ? quiz.getAttribute("data-isdp-course") : "";
  }

  // ---------------------------------------------------------------- quiz events
  function on(name, handler) {
    document.addEventListener(name, function (event) {
      if (state.mode === "practice" || !state.launch) { return; }
      var d = event.detail || {};
      var timestamp = new Date().toISOString();
      ready.then(function () { handler(d, timestamp); render(); });
    });
  }

  on("isdp:attempt-started", function (d, ts) {
    if (state.mode === "cmi5") { return; }  // cmi5: initialized was sent at launch
    enqueue(statement("initialized", moduleActivity(d), d, null, ts));
  });

  on("isdp:question-answered", function (d, ts) {
    if (state.terminated) { return; }
    var object = interaction(d);
    var type = object.definition.interactionType;
    enqueue(statement("answered", object, d,
      { response: pattern(type, d.choices, d.response), success: !!d.correct }, ts));
  });

  on("isdp:module-completed", function (d, ts) {
    var took = duration(d.durationMs);
    var scored = score(d.score.raw, d.score.max);
    if (state.mode !== "cmi5") {
      var module = moduleActivity(d);
      enqueue(statement("completed", module, d, { completion: true, duration: took }, ts));
      enqueue(statement(d.passed ? "passed" : "failed", module, d, { score: scored, success: !!d.passed, duration: took }, ts));
      enqueue(statement("terminated", module, d, { duration: took }, ts));
      if (d.passed && P.courses && P.courses[d.course]) {
        storageSet(localStorage, checkPrefix() + d.course, { course: d.course, attempt: d.attempt });
      }
      return;
    }
    // cmi5 (sections 9.3, 10): the LMS's masteryScore wins over ours; Browse and Review
    // launches may not complete, pass or fail.
    var data = state.cmi5.launchData;
    if ((data.launchMode || "Normal") === "Normal") {
      var mastery = typeof data.masteryScore === "number" ? data.masteryScore : d.masteryScore;
      var passed = typeof mastery === "number" ? scored.scaled >= mastery : !!d.passed;
      sendCmi5("completed", d, { completion: true, duration: took }, ts);
      sendCmi5(passed ? "passed" : "failed", d, { score: scored, success: passed, duration: took }, ts);
    }
    sendCmi5("terminated", d, { duration: duration(Date.now() - state.cmi5.startedAt) }, ts);
    state.terminated = true;
    saveCmi5();
  });

  // ---------------------------------------------------------------- start
  if (state.mode === "cmi5") {
    ready = cmi5Session().catch(function (err) {
      state.problem = "Your learning system did not hand over this session (" + err.message + "). " +
        "Close this window and launch the module again from your learning system.";
      state.mode = "practice";
      render();
    });
  }
  window.addEventListener("online", function () { state.backoff = 0; schedule(0); });
  window.isdpTracking = {
    version: 1,
    get mode() { return state.mode; },
    pending: function () { return state.launch ? mine().length : 0; },
    /* Nothing waiting, nothing in flight, nothing scheduled (tests and benchmarks). */
    idle: function () { return !state.sending && !state.timer && (!state.launch || !mine().length); },
    flush: function () { state.backoff = 0; return flush(); },
    ready: function () { return ready; }
  };
  function start() { render(); ready.then(function () { schedule(0); }); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
