/* Launch link mode: endpoint, actor and credential arrive in the URL fragment (never sent to
 * the web server), are kept in this tab's sessionStorage, and the fragment is removed from
 * the address bar. Once a module is passed, the course's `passed` is sent when every module
 * of the course is passed in the cycle (what the compliance report counts). */
import { cycleOf, cycleStart } from "./cycle.js";
import { getJSON, keysWith, setJSON } from "./storage.js";
import { activity, courseIri } from "./statements.js";
import { ownerHash } from "./outbox.js";

const CHECK_PREFIX = "isdp.xapi.course-check.";

/* The mode object tracking.js drives (see the interface there). */
export function linkMode(launch, core) {
  const { P, storage } = core;
  const checkPrefix = () => `${CHECK_PREFIX}${ownerHash(launch.key)}.`;

  function ownStatements(since) {
    let found = [];
    const first = `${launch.endpoint}statements?${new URLSearchParams({
      agent: JSON.stringify(launch.actor), since, limit: "500" })}`;
    const page = (address) => core.fetch(address, { credentials: "omit", cache: "no-store",
      headers: { Authorization: launch.auth, "X-Experience-API-Version": P.version } })
      .then((r) => { if (!r.ok) { throw new Error(`HTTP ${r.status}`); } return r.json(); })
      .then((body) => {
        found = found.concat(body.statements || []);
        return body.more ? page(new URL(body.more, launch.endpoint).href) : found;
      });
    return page(first);
  }

  /* Ask the LRS which modules this learner passed this cycle (their credential reads only
     their own statements, so this works across devices); when all are, send the course's
     `passed`, once. Resolves true when it enqueued something. */
  async function checkCourses() {
    const markers = keysWith(storage, checkPrefix());
    if (!markers.length) { return false; }
    const now = new Date().toISOString();
    const cycle = `${P.base}/cycles/${cycleOf(now, P.cycle_start_month, P.timeZone)}`;
    let statements;
    try {
      statements = await ownStatements(cycleStart(now, P.cycle_start_month, P.timeZone));
    } catch {
      core.outbox.state.offline = true;
      core.outbox.retryLater(0);
      return false;
    }
    const inCycle = statements.filter((s) => s.verb.id === P.verbs.passed &&
      (((s.context || {}).contextActivities || {}).grouping || []).some((g) => g.id === cycle));
    const passed = inCycle.map((s) => s.object.id);
    let enqueued = false;
    for (const key of markers) {
      const marker = getJSON(storage, key);
      storage.removeItem(key);
      if (!marker || !P.courses || !P.courses[marker.course]) { continue; }
      const course = courseIri(P, marker.course);
      if (passed.includes(course)) { continue; }
      if (P.courses[marker.course].every((m) => passed.includes(`${course}/modules/${m}`))) {
        core.send("passed", activity(P, course, "course"), { course: marker.course, attempt: marker.attempt },
          { success: true, completion: true }, now);
        enqueued = true;
      }
    }
    return enqueued;
  }

  return {
    name: "link",
    launch,
    ready: Promise.resolve(),
    authorization: () => launch.auth,
    secret: () => launch.auth,
    onDrained: checkCourses,
    handle(event, d, ts) {
      if (event !== "module-completed") { return false; }
      core.sendModuleResult(d, ts);
      if (d.passed && P.courses && P.courses[d.course]) {
        setJSON(storage, checkPrefix() + d.course, { course: d.course, attempt: d.attempt });
      }
      return true;
    },
    message: () => null,
    render: () => {},
  };
}
