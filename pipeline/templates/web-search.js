// The search page: asks Pagefind's index (this edition's pagefind/ folder) for the words in ?q=, and lists
// the pages that hold them, each linked at the section where the words are. Everything else of the site works without JavaScript.
(async function () {
  "use strict";
  const list = document.getElementById("jr-results");
  const status = document.getElementById("jr-status");
  const field = document.getElementById("jr-q");
  const query = (new URLSearchParams(window.location.search).get("q") || "").trim();
  if (!list || !status || !query) return;
  field.value = query;
  const say = (text, count) => text.replace("{query}", query).replace("{count}", String(count));
  let pagefind;
  try {
    pagefind = await import(new URL("pagefind/pagefind.js", window.location.href).href);
    await pagefind.options({ baseUrl: new URL(".", window.location.href).pathname });
  } catch (error) {
    status.textContent = list.dataset.offline;
    return;
  }
  const search = await pagefind.search(query);
  const found = await Promise.all(search.results.slice(0, 20).map((result) => result.data()));
  status.textContent = say(found.length ? list.dataset.found : list.dataset.none, search.results.length);
  for (const page of found) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = section(page).url;
    link.textContent = page.meta.title || page.url;
    const excerpt = document.createElement("p");
    excerpt.append(...marked(page.excerpt));
    item.append(link, excerpt);
    list.append(item);
  }

  // The part of the page (a section's heading and what follows) that holds the words most often.
  function section(page) {
    const parts = (page.sub_results || []).filter((part) => part.url && part.url.includes("#"));
    return parts.reduce((best, part) => ((part.locations || []).length > (best.locations || []).length ? part : best),
      { url: page.url, locations: [] });
  }

  // Pagefind's excerpt is text with <mark> around the words found: keep those, and nothing else, as markup.
  function marked(html) {
    const parsed = new DOMParser().parseFromString(html, "text/html").body;
    return Array.from(parsed.childNodes, (node) => {
      if (node.nodeName === "MARK") {
        const mark = document.createElement("mark");
        mark.textContent = node.textContent;
        return mark;
      }
      return document.createTextNode(node.textContent);
    });
  }
})();
