/* Certificates of completion: the completion this browser keeps when a learner passes a
 * course's last module with their personal link (or from their LMS), and the certificate page
 * (courses/certificate.html?course=ID) that shows and prints it with its verification code.
 *
 * A completion is kept per learner, course and cycle, and the first one is never replaced:
 * the report counts the attempt that first completed the course (verification.js). Nothing
 * here is sent anywhere: the code is derived, and the report derives the same one. */
import { learnerKey, verificationCode } from "./verification.js";
import { getJSON, setJSON } from "./storage.js";
import { LAUNCH_KEY } from "./launch.js";
import { DEFAULTS, readProfile } from "./profile.js";

const STORE = "isdp.certificates.v1";

/* The learner of this tab's launch (personal link or LMS), or null in practice mode. */
export function currentLearner(session = globalThis.sessionStorage) {
  const launch = session ? getJSON(session, LAUNCH_KEY) : null;
  const key = launch && learnerKey(launch.actor);
  if (!key) { return null; }
  return { key, actor: launch.actor, lea: launch.lea || null, mode: launch.mode,
    name: launch.actor.name || null };
}

export function completionOf(storage, learner, course, cycle) {
  const all = getJSON(storage, STORE) || {};
  if (cycle) { return all[`${learner}|${course}|${cycle}`] || null; }
  // The latest cycle's completion of that course.
  const mine = Object.values(all).filter((c) => c.learner === learner && c.course === course);
  return mine.sort((a, b) => (a.cycle < b.cycle ? 1 : -1))[0] || null;
}

/* Keep a completion ({learner, course, cycle, registration, completedAt, lea}); the first
   of a cycle wins. Returns the one kept, or null when the browser refused to store it. */
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

export function longDate(iso, timeZone) {
  return new Intl.DateTimeFormat("en-US", { dateStyle: "long", timeZone }).format(new Date(iso));
}

/* ---------------------------------------------------------------- the certificate page */
async function showPage(root) {
  const P = { ...DEFAULTS, ...(readProfile() || {}) };
  const courses = JSON.parse(root.dataset.isdpCourses || "{}");
  const query = new URLSearchParams(window.location.search);
  const courseId = query.get("course");
  const course = courses[courseId];
  const notice = root.querySelector("[data-isdp-certificate-notice]");
  const field = (name) => root.querySelector(`[data-isdp-field="${name}"]`);
  const say = (text) => { notice.textContent = text; };
  const actions = root.querySelector("[data-isdp-certificate-actions]");
  if (course) { field("back").href = course.url; }

  if (!course) {
    say("This address names no course of this site. Open the certificate from the course page " +
      "once you have passed every module.");
    return;
  }
  const learner = currentLearner();
  if (!learner) {
    say(`Practice mode: this tab was not opened from your personal training link, so it cannot ` +
      `show your certificate for ${course.title}. Open your personal link again (or launch the ` +
      `course from your learning system), then open this page from the course.`);
    actions.hidden = false;
    return;
  }
  const done = completionOf(localStorage, learner.key, courseId, query.get("cycle"));
  if (!done) {
    say(`This browser holds no completion of ${course.title} for employee ${learner.key}. The ` +
      `certificate appears here once you pass the course's last module with your personal link ` +
      `on this device. If you finished on another computer, print it there, or ask your ` +
      `training coordinator to confirm your completion from the training report.`);
    actions.hidden = false;
    return;
  }
  const code = await verificationCode(done.learner, done.course, done.cycle, done.registration);
  field("learner").textContent = learner.name ? `${learner.name} (${done.learner})` : done.learner;
  if (done.lea) {
    field("district").textContent = `of the district with LEA code ${done.lea}`;
    field("district").hidden = false;
  }
  field("course").textContent = course.title;
  field("cycle").textContent = done.cycle;  // as the report writes it
  field("date").textContent = longDate(done.completedAt, P.timeZone);
  field("code").textContent = code || "unavailable: open this page over https to compute it";
  root.querySelector("[data-isdp-certificate]").hidden = false;
  actions.hidden = false;
  say("");
  const print = root.querySelector("[data-isdp-print]");
  print.hidden = false;
  print.addEventListener("click", () => window.print());
}

if (typeof document !== "undefined") {
  const root = document.querySelector("[data-isdp-certificate-page]");
  if (root) { showPage(root); }
}
