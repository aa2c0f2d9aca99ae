/* cmi5 mode: everything cmi5 lives here, behind the mode interface of tracking.js.
 *
 * The LMS launches with query parameters (endpoint, fetch, actor, registration, activityId);
 * the fetch URL gives a token once (kept in this tab's sessionStorage, reloads included),
 * LMS.LaunchData comes from the State API; statements carry the LMS's registration and
 * context template (cmi5 9.6); the LMS's masteryScore wins over ours; Browse and Review
 * launches may not complete, pass or fail (sections 9.3, 10).
 */
import { LAUNCH_KEY, actorKey, checkedEndpoint, safeUrl } from "./launch.js";
import { getJSON, setJSON } from "./storage.js";
import { activity, duration, score } from "./statements.js";

const CMI5_KEY = "isdp.xapi.cmi5";
const PARAMS = ["endpoint", "fetch", "actor", "registration", "activityId"];

/* The launch in the query, or null. Throws when it is damaged. */
export function readCmi5(location, history, session) {
  const query = new URLSearchParams(location.search);
  if (!PARAMS.every((k) => query.get(k))) { return null; }
  const launch = { mode: "cmi5", endpoint: checkedEndpoint(query.get("endpoint")),
    fetch: query.get("fetch"), actor: JSON.parse(query.get("actor")),
    registration: query.get("registration"), activityId: query.get("activityId") };
  launch.key = `${launch.endpoint}|${actorKey(launch.actor)}|${launch.registration}`;
  setJSON(session, LAUNCH_KEY, launch);
  session.removeItem(CMI5_KEY);  // a new launch is a new session
  for (const k of PARAMS) { query.delete(k); }
  const rest = query.toString();
  history.replaceState(history.state, "", location.pathname + (rest ? `?${rest}` : "") + location.hash);
  return launch;
}

export function cmi5Mode(launch, core) {
  const { P, session } = core;
  let cmi5 = null;
  let terminated = false;

  const save = () => setJSON(session, CMI5_KEY, { ...cmi5, terminated });
  const auActivity = () => activity(P, launch.activityId, "module");
  const courseFromPage = () => {
    const quiz = core.doc.querySelector("[data-isdp-course]");
    return quiz ? quiz.getAttribute("data-isdp-course") : "";
  };

  function send(verb, d, result, timestamp) {
    if (terminated || cmi5.sent[verb]) { return; }
    core.send(verb, auActivity(), { course: d.course || courseFromPage(), ...d }, result, timestamp);
    cmi5.sent[verb] = true;
    save();
  }

  async function start() {
    const saved = getJSON(session, CMI5_KEY);
    if (saved) { cmi5 = saved; terminated = !!saved.terminated; return; }
    const r = await core.fetch(launch.fetch, { method: "POST", credentials: "omit", cache: "no-store" });
    const body = await r.json();
    if (!body["auth-token"]) { throw new Error(`fetch URL gave no token (error ${body["error-code"]})`); }
    const token = body["auth-token"];
    const q = new URLSearchParams({ stateId: "LMS.LaunchData", activityId: launch.activityId,
      agent: JSON.stringify(launch.actor), registration: launch.registration });
    const state = await core.fetch(`${launch.endpoint}activities/state?${q}`, { credentials: "omit",
      cache: "no-store", headers: { Authorization: `Basic ${token}`, "X-Experience-API-Version": P.version } });
    if (!state.ok) { throw new Error(`LMS.LaunchData: HTTP ${state.status}`); }
    cmi5 = { token, launchData: await state.json(), sent: {}, startedAt: Date.now() };
    save();
    send("initialized", {}, null, new Date().toISOString());
  }

  /* cmi5 9.6: every statement carries the LMS's context template (session id, publisher id). */
  function decorate(context, extensions, verb) {
    const category = context.contextActivities.category;
    if (P.cmi5.defined_verbs.includes(verb)) {
      category.push({ objectType: "Activity", id: P.cmi5.category });
      if (P.cmi5.moveon_verbs.includes(verb)) { category.push({ objectType: "Activity", id: P.cmi5.moveon_category }); }
    }
    const template = (cmi5 && cmi5.launchData.contextTemplate) || {};
    const acts = template.contextActivities || {};
    for (const k of ["grouping", "parent", "category", "other"]) {
      if (acts[k]) { context.contextActivities[k] = acts[k].concat(context.contextActivities[k] || []); }
    }
    Object.assign(extensions, template.extensions || {});
    const mastery = cmi5 && cmi5.launchData.masteryScore;
    if ((verb === "passed" || verb === "failed") && typeof mastery === "number") {
      extensions[P.cmi5.extensions.masteryscore] = mastery;
    }
  }

  function completed(d, ts) {
    const took = duration(d.durationMs);
    const scored = score(d.score.raw, d.score.max);
    const data = cmi5.launchData;
    if ((data.launchMode || "Normal") === "Normal") {
      const mastery = typeof data.masteryScore === "number" ? data.masteryScore : d.masteryScore;
      const passed = typeof mastery === "number" ? scored.scaled >= mastery : !!d.passed;
      send("completed", d, { completion: true, duration: took }, ts);
      send(passed ? "passed" : "failed", d, { score: scored, success: passed, duration: took }, ts);
    }
    send("terminated", d, { duration: duration(Date.now() - cmi5.startedAt) }, ts);
    terminated = true;
    save();
  }

  return {
    name: "cmi5",
    launch: { ...launch, decorate },
    ready: start(),
    authorization: () => (cmi5 && cmi5.token ? `Basic ${cmi5.token}` : null),
    secret: () => cmi5.token,  // after ready: the session's token seals its outbox entries
    onDrained: null,
    handle(event, d, ts) {
      if (event === "attempt-started") { return true; }  // initialized was sent at launch
      if (event === "question-answered") { return terminated; }  // nothing after terminated
      completed(d, ts);
      return true;
    },
    message(pending) {
      return terminated && !pending
        ? "Your result is recorded. This session is over: return to your learning system to continue." : null;
    },
    render(nodes) {
      const back = terminated && cmi5 && safeUrl(cmi5.launchData.returnURL, core.doc.location.href);
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
