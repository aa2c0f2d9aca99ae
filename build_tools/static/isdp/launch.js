/* What every launch mode shares: the launch read from the address (the cmi5 query or the
 * launch link's fragment) and saved in this tab, and endpoint/actor checks. Reading it here,
 * not in cmi5.js or link.js, lets tracking.js load a mode's module only in that mode, and
 * still take a credential out of the address bar before anything is fetched. */
import { getJSON, setJSON } from "./storage.js";

export const LAUNCH_KEY = "isdp.xapi.launch";
export const CMI5_KEY = "isdp.xapi.cmi5";  // the cmi5 session of this tab (cmi5.js)
const CMI5_PARAMS = ["endpoint", "fetch", "actor", "registration", "activityId"];

function withSlash(url) { return url.endsWith("/") ? url : `${url}/`; }

export function checkedEndpoint(value) {
  const url = new URL(value);
  if (url.protocol !== "https:" && url.protocol !== "http:") { throw new Error("endpoint"); }
  return withSlash(url.href);
}

export function actorKey(actor) {
  if (actor.account) { return `account:${actor.account.homePage}|${actor.account.name}`; }
  return `mbox:${actor.mbox || actor.mbox_sha1sum || actor.openid}`;
}

/* Only http(s) links: never a javascript: URL. */
export function safeUrl(value, base) {
  try {
    const url = new URL(value, base);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

/* The launch in the query, or null. Throws when it is damaged. */
function readCmi5(location, history, session) {
  const query = new URLSearchParams(location.search);
  if (!CMI5_PARAMS.every((k) => query.get(k))) { return null; }
  const launch = { mode: "cmi5", endpoint: checkedEndpoint(query.get("endpoint")),
    fetch: query.get("fetch"), actor: JSON.parse(query.get("actor")),
    registration: query.get("registration"), activityId: query.get("activityId"),
    page: location.pathname };  // the AU: the only page of this tab the launch is for
  // One outbox per launch (the fetch URL is unique): a session's statements carry its own
  // session id and token, so they must never be sent with a later session's.
  launch.key = `${launch.endpoint}|${actorKey(launch.actor)}|${launch.registration}|${launch.fetch}`;
  setJSON(session, LAUNCH_KEY, launch);
  session.removeItem(CMI5_KEY);  // a new launch is a new session
  for (const k of CMI5_PARAMS) { query.delete(k); }
  const rest = query.toString();
  history.replaceState(history.state, "", location.pathname + (rest ? `?${rest}` : "") + location.hash);
  return launch;
}

/* The launch in the fragment, or null. Throws when the link is damaged. */
function readLink(location, history, session) {
  const hash = new URLSearchParams(location.hash.slice(1));
  if (!(hash.get("endpoint") && hash.get("auth") && hash.get("actor"))) { return null; }
  // Remove the credential from the address bar (and so from history and bookmarks) first.
  history.replaceState(history.state, "", location.pathname + location.search);
  const link = { mode: "link", endpoint: checkedEndpoint(hash.get("endpoint")), auth: hash.get("auth"),
    actor: JSON.parse(hash.get("actor")), lea: hash.get("lea") || null };
  if (!link.actor || typeof link.actor !== "object") { throw new Error("actor"); }
  link.key = `${link.endpoint}|${actorKey(link.actor)}`;
  setJSON(session, LAUNCH_KEY, link);
  return link;
}

/* This tab's launch: a new one in the address, else the one saved earlier, else null. */
export function readLaunch(location, history, session) {
  return readCmi5(location, history, session) || readLink(location, history, session) ||
    getJSON(session, LAUNCH_KEY);
}
