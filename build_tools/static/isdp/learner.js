/* Who this tab's launch is for, as the report knows them. */
import { getJSON } from "./storage.js";
import { LAUNCH_KEY } from "./launch.js";

/* What the report joins a learner on (store.sqlite.learner_id): the account name (the
   employee id), or the lower-case email of an mbox actor. */
export function learnerKey(actor) {
  if (actor && actor.account) { return actor.account.name || null; }
  if (actor && actor.mbox) { return String(actor.mbox).replace(/^mailto:/, "").toLowerCase(); }
  return null;
}

/* The learner of this tab's launch (personal link or LMS), or null in practice mode. */
export function currentLearner(session = globalThis.sessionStorage) {
  const launch = session ? getJSON(session, LAUNCH_KEY) : null;
  const key = launch && learnerKey(launch.actor);
  return key ? { key, lea: launch.lea || null, name: launch.actor.name || null } : null;
}
