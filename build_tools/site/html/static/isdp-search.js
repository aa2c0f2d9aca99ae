// The search page: Pagefind's static index (_pagefind/, written by `isdp build`), queried in
// the browser. search.py writes this module into the page itself, with the keyboard fixes and
// our stylesheet, so that a query from an empty cache costs few requests (issue 19: at most
// 10): the page, the theme's stylesheet, Pagefind's script, entry, metadata, WebAssembly and
// the index chunk of the words typed, and one excerpt file per result shown. Only the first
// few excerpts are fetched; "More results" fetches the next.
const PER_LOAD = 3;
// The site root, wherever it is published (Sphinx writes it on <html>).
const root = new URL(document.documentElement.dataset.content_root || "./", location.href);
const form = document.getElementById("isdp-search-form");
const status = document.getElementById("isdp-search-status");
const list = document.getElementById("isdp-search-list");
const more = document.getElementById("isdp-search-more");
// Names this build's index entry, so that its address is the one the page preloads.
const indexTag = document.getElementById("search-results").dataset.indexTag;
const query = (new URLSearchParams(location.search).get("q") || "").trim();
let waiting = [];

form.querySelector("input[name=q]").value = query;

// The theme's light / dark / auto button, as furo.js cycles it (this page does not load
// furo.js: its scroll and contents code has nothing to do here and costs the phone's CPU).
function cycleTheme() {
  const current = localStorage.getItem("theme") || "auto";
  const order = matchMedia("(prefers-color-scheme: dark)").matches
    ? { auto: "light", light: "dark", dark: "auto" } : { auto: "dark", dark: "light", light: "auto" };
  const next = order[current] || "auto";
  document.body.dataset.theme = next;
  localStorage.setItem("theme", next);
}
for (const button of document.querySelectorAll(".theme-toggle")) button.addEventListener("click", cycleTheme);

function item(data) {
  const li = document.createElement("li");
  const link = li.appendChild(document.createElement("a"));
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  const excerpt = li.appendChild(document.createElement("p"));
  excerpt.className = "isdp-search-excerpt";
  excerpt.innerHTML = data.excerpt;  // Pagefind's text, HTML-escaped, with <mark> around hits
  return li;
}

async function showNext() {
  const batch = waiting.splice(0, PER_LOAD);
  const found = await Promise.all(batch.map((result) => result.data()));
  const items = found.map(item);
  list.append(...items);
  more.hidden = waiting.length === 0;
  return items;
}

async function search() {
  if (!query) {
    status.textContent = "Type a word or two above, then press Enter.";
    return;
  }
  status.textContent = `Searching for “${query}” …`;
  const pagefind = await import(new URL("_pagefind/pagefind.js", root));
  await pagefind.options({ noWorker: true, baseUrl: root.pathname, excerptLength: 24, metaCacheTag: indexTag });
  const { results } = await pagefind.search(query);
  waiting = results;
  await showNext();
  status.textContent = results.length
    ? `Search finished: found ${results.length} page${results.length === 1 ? "" : "s"} for “${query}”.`
    : `Search finished: found no page for “${query}”. Check the spelling, or try another word.`;
}

more.addEventListener("click", async () => {
  const items = await showNext();
  if (items.length) items[0].querySelector("a").focus();
});

// The query starts once the page has been painted: the form and heading show at once, and
// Pagefind's start-up work does not hold back the first frame (a phone shows nothing until then).
requestAnimationFrame(() => setTimeout(() => search().catch((error) => {
  status.textContent = "Search is not available here: open the site through a web server.";
  console.error(error);
}), 0));
