/* xAPI statements from quiz events: the same shape as profile.statement() in Python
 * (tests/tracking/test_profile.py compares the two). Pure functions of the profile P. */
import { cycleOf } from "./cycle.js";
import { uuid } from "./uuid.js";

export function courseIri(P, course) { return `${P.base}/courses/${course}`; }

export function activity(P, iri, kind, definition) {
  return { objectType: "Activity", id: iri,
    definition: Object.assign({ type: P.activity_types[kind] }, definition || {}) };
}

export function moduleActivity(P, d) {
  return activity(P, `${courseIri(P, d.course)}/modules/${d.module}`, "module");
}

export function duration(ms) { return `PT${Math.round(ms / 10) / 100}S`; }

export function score(raw, max) {
  const scaled = max === 0 ? 0 : Math.round((raw / max) * 10000) / 10000;
  return { scaled, raw, min: 0, max };
}

/* "true"/"false" read from a choice's id, then its text; null when neither says. */
export function trueFalse(choices, id) {
  const choice = choices.find((c) => c.id === id);
  if (!choice) { return null; }
  for (const value of [choice.id, choice.text || ""]) {
    const v = value.trim().toLowerCase();
    if (v === "true" || v === "false") { return v; }
  }
  return null;
}

export function pattern(type, choices, response) {
  if (type === "true-false") { return response.length ? (trueFalse(choices, response[0]) || "") : ""; }
  return response.join("[,]");
}

export function interaction(P, d) {
  let type = P.interaction_types[d.kind];
  /* No correctResponsesPattern: the learner can read the statement, and the report
     re-scores the answers against the keys in the course sources. */
  if (type === "true-false" && d.choices.some((c) => trueFalse(d.choices, c.id) === null)) { type = "choice"; }
  const def = { interactionType: type };
  if (d.prompt) { def.description = { "en-US": d.prompt }; }
  if (type === "choice") {
    def.choices = d.choices.map((c) => ({ id: c.id, description: { "en-US": c.text || c.id } }));
  }
  return activity(P, `${courseIri(P, d.course)}/questions/${d.question}`, "question", def);
}

export function answeredResult(object, d) {
  return { response: pattern(object.definition.interactionType, d.choices, d.response), success: !!d.correct };
}

/* One statement. `launch` gives the actor, the LEA code, and for cmi5 the LMS's registration
 * and a decorate(context, extensions, verb) hook (cmi5.js: categories, context template). */
export function statement(P, launch, verb, object, d, result, timestamp) {
  const context = {
    registration: launch.registration || d.attempt,
    contextActivities: {
      grouping: [{ objectType: "Activity", id: `${P.base}/cycles/${cycleOf(timestamp, P.cycle_start_month, P.timeZone)}`,
        definition: { type: P.cycle_type } }],
      category: [{ objectType: "Activity", id: P.category }],
    },
  };
  if (object.id !== courseIri(P, d.course)) {
    context.contextActivities.parent = [activity(P, courseIri(P, d.course), "course")];
  }
  const extensions = {};
  if (launch.lea) { extensions[P.lea_extension] = launch.lea; }
  if (launch.decorate) { launch.decorate(context, extensions, verb); }
  if (Object.keys(extensions).length) { context.extensions = extensions; }
  const body = { id: uuid(), actor: launch.actor, verb: { id: P.verbs[verb], display: { "en-US": verb } },
    object, context, timestamp };
  if (result) { body.result = result; }
  return body;
}
