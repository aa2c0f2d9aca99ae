/* Self-assessment checklists: answers live in localStorage only; nothing is sent anywhere.
   The CSV is written in the browser and saved with a Blob download. */
(function () {
  "use strict";
  var PREFIX = "isdp-checklist:";

  function load(id) {
    try { return JSON.parse(localStorage.getItem(PREFIX + id)) || { items: {} }; }
    catch (e) { return { items: {} }; }
  }

  function save(id, state) {
    state.updated = new Date().toISOString();
    try { localStorage.setItem(PREFIX + id, JSON.stringify(state)); } catch (e) { /* storage full or off */ }
  }

  function csvCell(value) {
    var text = String(value == null ? "" : value);
    // A leading = + - @ would make a spreadsheet run the cell as a formula.
    if (/^[=+\-@\t\r]/.test(text)) { text = "'" + text; }
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function linkHref(item, prefix) {
    var links = item.querySelectorAll(".isdp-checklist-links a");
    for (var i = 0; i < links.length; i++) {
      var before = links[i].previousSibling ? links[i].previousSibling.textContent : "";
      if (before.indexOf(prefix) !== -1) { return links[i].href; }
    }
    return "";
  }

  function toCsv(root, state) {
    var rows = [["Checklist", "Section", "Item id", "Item", "NIST CSF 2.0", "Done", "Notes", "Guidance", "Policy"]];
    var title = root.getAttribute("data-title");
    root.querySelectorAll(".isdp-checklist-item").forEach(function (item) {
      var answer = state.items[item.getAttribute("data-item")] || {};
      rows.push([title, item.getAttribute("data-section"), item.getAttribute("data-item"),
        item.querySelector(".isdp-checklist-text").textContent.trim(), item.getAttribute("data-csf"),
        answer.done ? "yes" : "no", answer.notes || "", linkHref(item, "Guidance"), linkHref(item, "Policy")]);
    });
    return rows.map(function (row) { return row.map(csvCell).join(","); }).join("\r\n") + "\r\n";
  }

  function download(name, text) {
    var blob = new Blob(["\ufeff" + text], { type: "text/csv;charset=utf-8" });
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 0);
  }

  function setUp(root) {
    var id = root.getAttribute("data-checklist");
    var state = load(id);
    var items = root.querySelectorAll(".isdp-checklist-item");
    var progress = root.querySelector(".isdp-checklist-progress");

    function showProgress() {
      var done = 0;
      items.forEach(function (item) { if (item.querySelector("input[type=checkbox]").checked) { done++; } });
      progress.textContent = done + " of " + items.length + " items done";
    }

    items.forEach(function (item) {
      var key = item.getAttribute("data-item");
      var box = item.querySelector("input[type=checkbox]");
      var notes = item.querySelector("textarea");
      var answer = state.items[key] || {};
      box.checked = !!answer.done;
      notes.value = answer.notes || "";
      function record() {
        state.items[key] = { done: box.checked, notes: notes.value };
        save(id, state);
        showProgress();
      }
      box.addEventListener("change", record);
      notes.addEventListener("input", record);
    });

    root.querySelector("[data-action=csv]").addEventListener("click", function () {
      var day = new Date().toISOString().slice(0, 10);
      download(id + "-" + day + ".csv", toCsv(root, state));
    });
    root.querySelector("[data-action=print]").addEventListener("click", function () { window.print(); });
    root.querySelector("[data-action=clear]").addEventListener("click", function () {
      if (!window.confirm("Clear every answer and note of this checklist in this browser?")) { return; }
      state = { items: {} };
      try { localStorage.removeItem(PREFIX + id); } catch (e) { /* nothing saved */ }
      items.forEach(function (item) {
        item.querySelector("input[type=checkbox]").checked = false;
        item.querySelector("textarea").value = "";
      });
      showProgress();
    });
    root.querySelector(".isdp-checklist-tools").hidden = false;
    showProgress();
  }

  function start() { document.querySelectorAll(".isdp-checklist").forEach(setUp); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
