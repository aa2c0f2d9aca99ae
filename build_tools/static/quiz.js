/* ISDP quiz runtime (practice mode). No framework, nothing from another host.
 *
 * The build writes every question as plain HTML (fieldset, legend, native inputs, and the
 * answer in a <details>), so a page reads sensibly without JavaScript. This script adds a
 * "Check answer" button per question, scores the module against its mastery score, offers
 * a retake, keeps this device's progress in localStorage, and fills the progress slots of
 * course pages. Tracking subscribes to the events below; their names and fields are a
 * contract (see content/editor-guide/courses.md):
 *   isdp:attempt-started, isdp:question-answered, isdp:module-completed
 */
(function () {
  "use strict";
  var STORE = "isdp.progress.v1";
  window.isdpQuiz = { version: 1 };

  function all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
  function emit(name, detail) { document.dispatchEvent(new CustomEvent("isdp:" + name, { detail: detail })); }
  function text(node) { return node ? node.textContent.replace(/\s+/g, " ").trim() : ""; }
  function percent(scaled) { return Math.round(scaled * 100) + "%"; }
  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content) node.textContent = content;
    return node;
  }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)); // randomUUID needs a secure context
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  /* Progress on this device, per training cycle (a school year starting in site.yaml's month). */
  function cycleOf(startMonth) {
    var now = new Date(), year = now.getMonth() + 1 >= startMonth ? now.getFullYear() : now.getFullYear() - 1;
    return year + "-" + (year + 1);
  }
  function load() { try { return JSON.parse(localStorage.getItem(STORE)) || {}; } catch (e) { return {}; } }
  function progress(cycle, course) { return (load()[cycle] || {})[course] || {}; }
  function record(cycle, course, module, scaled, passed) {
    var data = load(), years = data[cycle] = data[cycle] || {}, modules = years[course] = years[course] || {};
    var before = modules[module] || {};
    modules[module] = { best: Math.max(before.best || 0, scaled), passed: !!(before.passed || passed),
                        last: scaled, at: new Date().toISOString() };
    try { localStorage.setItem(STORE, JSON.stringify(data)); } catch (e) { /* private mode: no memory */ }
  }

  function setupModule(result) {
    var d = result.dataset;
    var m = { course: d.isdpCourse, module: d.isdpModule, mastery: parseFloat(d.isdpMastery),
              cycle: cycleOf(parseInt(d.isdpCycleStart, 10) || 7), result: result,
              out: result.querySelector("[data-isdp-result-text]"), attempt: null, questions: [] };
    all('[data-isdp-quiz][data-isdp-module="' + m.module + '"]').forEach(function (q) {
      m.questions.push(setupQuestion(q, m));
    });
    result.hidden = false;
    showBest(m);
    return m;
  }

  function start(m) {
    if (m.attempt) return;
    m.attempt = uuid();
    m.startedAt = Date.now();
    emit("attempt-started", { course: m.course, module: m.module, attempt: m.attempt,
      questions: m.questions.map(function (q) { return q.id; }), masteryScore: m.mastery,
      startedAt: new Date(m.startedAt).toISOString() });
  }

  function setupQuestion(node, m) {
    var q = { node: node, id: node.dataset.isdpQuestion, kind: node.dataset.isdpKind,
              correct: node.dataset.isdpCorrect.split(" "), inputs: all("input", node),
              answer: node.querySelector(".isdp-quiz-answer") };
    q.answer.hidden = true;
    q.check = el("button", "isdp-quiz-check", "Check answer");
    q.check.type = "button";
    q.status = el("div", "isdp-quiz-status");
    q.status.setAttribute("role", "status");
    q.status.setAttribute("aria-live", "polite");
    node.querySelector("fieldset").after(q.check, q.status);
    q.inputs.forEach(function (input) { input.addEventListener("change", function () { start(m); }); });
    q.check.addEventListener("click", function () { check(q, m); });
    return q;
  }

  function feedbackText(q, id) {
    var box = q.node.querySelector('[data-isdp-feedback="' + id + '"]');
    return all("p, li", box).slice(1).map(text).join(" ");
  }

  function check(q, m) {
    var response = q.inputs.filter(function (i) { return i.checked; }).map(function (i) { return i.value; });
    if (!response.length) { q.status.textContent = "Choose an answer first."; return; }
    start(m);
    q.ok = response.length === q.correct.length &&
           response.every(function (id) { return q.correct.indexOf(id) >= 0; });
    q.inputs.forEach(function (i) { i.disabled = true; });
    all(".isdp-quiz-choice", q.node).forEach(function (li) {
      var id = li.dataset.isdpChoice, chosen = response.indexOf(id) >= 0, right = q.correct.indexOf(id) >= 0;
      if (!chosen && !right) return;
      li.classList.add(right ? "isdp-right" : "isdp-wrong");
      li.append(el("span", "isdp-quiz-mark", right ? (chosen ? "Your answer: correct" : "Correct answer")
                                                    : "Your answer: not correct"));
    });
    q.status.textContent = (q.ok ? "Correct. " : "Not correct; the right answer is marked. ") +
      response.map(function (id) { return feedbackText(q, id); }).join(" ");
    q.status.className = "isdp-quiz-status " + (q.ok ? "isdp-right" : "isdp-wrong");
    q.check.hidden = true;
    q.answer.hidden = false;
    q.answer.open = true;
    q.answer.querySelector("summary").focus();
    emit("question-answered", { course: m.course, module: m.module, attempt: m.attempt,
      question: q.id, kind: q.kind,
      prompt: [text(q.node.querySelector(".isdp-quiz-context")), text(q.node.querySelector(".isdp-quiz-stem"))].join(" ").trim(),
      choices: all(".isdp-quiz-choice", q.node).map(function (li) {
        return { id: li.dataset.isdpChoice, text: text(li.querySelector("label")) }; }),
      response: response, correctResponse: q.correct.slice(), correct: q.ok });
    if (m.questions.every(function (x) { return x.ok !== undefined; })) complete(m);
  }

  function complete(m) {
    var raw = m.questions.filter(function (q) { return q.ok; }).length, max = m.questions.length;
    var scaled = Math.round((raw / max) * 10000) / 10000, passed = scaled >= m.mastery;
    emit("module-completed", { course: m.course, module: m.module, attempt: m.attempt,
      score: { raw: raw, max: max, scaled: scaled }, passed: passed, masteryScore: m.mastery,
      durationMs: Date.now() - m.startedAt });
    record(m.cycle, m.course, m.module, scaled, passed);
    m.out.textContent = "";
    var score = el("p", "isdp-score");
    score.append(el("strong", "", "You answered " + raw + " of " + max + " questions correctly (" + percent(scaled) + ")."));
    m.out.append(score, el("p", "isdp-mastery " + (passed ? "isdp-right" : "isdp-wrong"), passed
      ? "Passed: the pass mark is " + percent(m.mastery) + "."
      : "Not passed yet: the pass mark is " + percent(m.mastery) + ". Read the explanations above, then retake the module."));
    var actions = el("p", "isdp-result-actions"), retake = el("button", "isdp-quiz-retake", "Retake this module");
    retake.type = "button";
    retake.addEventListener("click", function () { reset(m); });
    actions.append(retake);
    link(actions, m.result.dataset.isdpNext, "Next module");
    link(actions, m.result.dataset.isdpCourseUrl, "Course progress");
    m.out.append(actions);
  }

  function link(parent, href, label) {
    if (!href) return;
    var a = el("a", "", label);
    a.href = href;
    parent.append(" ", a);
  }

  function reset(m) {
    m.attempt = null;
    m.questions.forEach(function (q) {
      q.ok = undefined;
      q.inputs.forEach(function (i) { i.disabled = false; i.checked = false; });
      all(".isdp-quiz-mark", q.node).forEach(function (mark) { mark.remove(); });
      all(".isdp-quiz-choice", q.node).forEach(function (li) { li.classList.remove("isdp-right", "isdp-wrong"); });
      q.status.textContent = "";
      q.status.className = "isdp-quiz-status";
      q.check.hidden = false;
      q.answer.open = false;
      q.answer.hidden = true;
    });
    showBest(m);
    if (m.questions.length) m.questions[0].inputs[0].focus();
  }

  function showBest(m) {
    var best = progress(m.cycle, m.course)[m.module];
    m.out.textContent = "Answer all " + m.questions.length + " questions to see your score. " + (best
      ? "Your best result on this device this year: " + percent(best.best) + (best.passed ? ", passed." : ", not passed yet.")
      : "");
  }

  /* Progress slots on course pages: one module, or a whole course. */
  function fillProgress(slot) {
    var d = slot.dataset, modules = d.isdpProgressModules.split(" ");
    var done = progress(cycleOf(parseInt(d.isdpCycleStart, 10) || 7), d.isdpProgressCourse);
    var passed = modules.filter(function (id) { return done[id] && done[id].passed; }).length;
    if (d.isdpProgressScope === "module") {
      var r = done[modules[0]];
      slot.textContent = !r ? "Not started" : (r.passed ? "Passed" : "Not passed yet") + " (best " + percent(r.best) + ")";
    } else {
      slot.textContent = "Your progress on this device: " + (passed === modules.length
        ? "complete, all " + passed + " modules passed" : passed + " of " + modules.length + " modules passed");
    }
    slot.className = "isdp-progress" + (passed === modules.length ? " isdp-right" : "");
    slot.hidden = false;
  }

  function init() {
    all("[data-isdp-quiz-result]").forEach(setupModule);
    all("[data-isdp-progress-course]").forEach(fillProgress);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
