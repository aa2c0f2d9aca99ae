// The search page: Pagefind's static index (_pagefind/, written by `isdp build`), queried in
// the browser. Only the index chunks of the words typed are fetched, and each result's excerpt
// is a separate small file, so only the first few are loaded; "More results" loads the next.
const PER_LOAD = 3;
const root = new URL("../", import.meta.url);  // the site root, wherever it is published
const form = document.getElementById("isdp-search-form");
const status = document.getElementById("isdp-search-status");
const list = document.getElementById("isdp-search-list");
const more = document.getElementById("isdp-search-more");
const query = (new URLSearchParams(location.search).get("q") || "").trim();
let waiting = [];

form.querySelector("input[name=q]").value = query;

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
  await pagefind.options({ noWorker: true, baseUrl: root.pathname, excerptLength: 24 });
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

search().catch((error) => {
  status.textContent = "Search is not available here: open the site through a web server.";
  console.error(error);
});
