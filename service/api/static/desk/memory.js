// Memory matches for the current segment: exact and fuzzy matches from the translation memories,
// with their scores; one click applies one as the reviewer's translation.

import { getJson } from "./api.js";
import { h, languageName } from "./dom.js";
import { unitOf } from "./grid.js";

/**
 * rootOf() -> the panel's element (the view re-renders it); ctx: {brief(), id(), version(), editable(),
 * apply(segment, lang, text) -> Promise}
 */
export function createMemoryPanel(rootOf, ctx) {
  const cache = new Map();
  let timer = 0, wanted = "";

  function heading(segment, lang) {
    return h("h3", { id: "tm-h" }, "Memory matches",
      segment ? h("span", { class: "tm-where" }, ` · ${segment === "title" ? "title" : "segment " + segment.replace(/^s/, "")} · ${languageName(lang)}`) : null);
  }

  function list(data, segment, lang) {
    const current = ((unitOf(ctx.brief(), segment) || {}).translations || {})[lang] || "";
    if (!data.matches.length) return h("p", { class: "note" }, "No memory has this sentence or one like it.");
    return h("ol", { class: "tm-matches" }, data.matches.map((match) => {
      const same = match.target === current;
      const score = match.exact ? "100% exact" : Math.round(match.score * 100) + "%";
      const item = h("li", { class: "tm-match" + (same ? " in-use" : "") },
        h("p", { class: "tm-score" }, h("strong", {}, score), " · memory ", h("code", {}, match.memory),
          same ? " · in use" : null),
        h("p", { class: "tm-source", lang: "en", dir: "auto" }, match.source),
        h("p", { class: "tm-target", lang, dir: "auto" }, match.target));
      if (ctx.editable() && !same) {
        const apply = h("button", { type: "button", class: "tm-apply",
                                    "aria-label": `Apply the ${score} match from memory ${match.memory}` }, "Apply");
        apply.addEventListener("click", async () => {
          apply.disabled = true;
          try { await ctx.apply(segment, lang, match.target); } finally { apply.disabled = false; }
        });
        item.append(apply);
      }
      return item;
    }));
  }

  async function load(segment, lang) {
    const root = rootOf();
    const key = `${ctx.id()}|${ctx.version()}|${segment}|${lang}`;
    wanted = key;
    root.replaceChildren(heading(segment, lang), h("p", { class: "note", "aria-busy": "true" }, "Looking up…"));
    try {
      if (!cache.has(key)) {
        cache.set(key, await getJson(`/v1/briefs/${encodeURIComponent(ctx.id())}/segments/` +
                                     `${encodeURIComponent(segment)}/matches?lang=${encodeURIComponent(lang)}&limit=5`));
      }
      if (wanted === key) root.replaceChildren(heading(segment, lang), list(cache.get(key), segment, lang));
    } catch (e) {
      cache.delete(key);
      if (wanted === key) root.replaceChildren(heading(segment, lang), h("p", { class: "note error" }, e.message));
    }
  }

  /** Show the matches of ``segment`` in ``lang`` (debounced while the reviewer moves). */
  function showFor(segment, lang) {
    clearTimeout(timer);
    const root = rootOf();
    if (!ctx.id()) {
      root.replaceChildren(heading(null), h("p", { class: "note" },
        "Memory matches need a stored brief. Suggestions found when the brief was made are listed under Checks."));
      return;
    }
    if (!segment || !lang) {
      root.replaceChildren(heading(null), h("p", { class: "note" }, "Move to a segment to see its matches."));
      return;
    }
    root.replaceChildren(heading(segment, lang), h("p", { class: "note", "aria-busy": "true" }, "Looking up…"));
    timer = setTimeout(() => load(segment, lang), 120);
  }

  return { showFor, clear: () => cache.clear() };
}
