/* The certificate of completion page (courses/certificate.html?course=ID): the completion
 * this browser kept (completion.js) with its verification code (verification.js), to print.
 * Nothing here is sent anywhere: the code is derived, and the report derives the same one. */
import { verificationCode } from "./verification.js";
import { completionOf } from "./completion.js";
import { currentLearner } from "./learner.js";
import { DEFAULTS, readProfile } from "./profile.js";

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
