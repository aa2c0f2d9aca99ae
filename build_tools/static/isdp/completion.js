/* Course completions this browser keeps, per learner, course and cycle (the first one wins:
 * the report counts the attempt that first completed the course). Written by status-panel.js,
 * read by the certificate page (certificate.js). */
import { getJSON, setJSON } from "./storage.js";

const STORE = "isdp.certificates.v1";

/* That cycle's completion, or without a cycle the latest one of the course. */
export function completionOf(storage, learner, course, cycle) {
  const all = getJSON(storage, STORE) || {};
  if (cycle) { return all[`${learner}|${course}|${cycle}`] || null; }
  const mine = Object.values(all).filter((c) => c.learner === learner && c.course === course);
  return mine.sort((a, b) => (a.cycle < b.cycle ? 1 : -1))[0] || null;
}

/* Keep {learner, course, cycle, registration, completedAt, lea}; null if storage refused. */
export function rememberCompletion(storage, completion) {
  const all = getJSON(storage, STORE) || {};
  const key = `${completion.learner}|${completion.course}|${completion.cycle}`;
  if (all[key]) { return all[key]; }
  all[key] = completion;
  return setJSON(storage, STORE, all) ? completion : null;
}

export function certificateUrl(pageUrl, course) {
  const url = new URL("../certificate.html", pageUrl);
  url.searchParams.set("course", course);
  return url.href;
}
