// The parts of a brief's view around the grid: its header (title, link, progress, review language,
// downloads), the names, the add-a-name form and the edit history. Text goes in as text only.

import { h, languageName, entityHue, srOnly } from "./dom.js";
import { progress, targetLangs } from "./grid.js";

/** The brief's title: {en, translations} from its headline when it has one, else from its first sentence. */
export function titleOf(brief) {
  const t = brief.title;
  if (t && typeof t === "object") {
    const translations = { ...(t.translations || {}) };
    for (const lang of targetLangs(brief)) if (typeof t[lang] === "string") translations[lang] = t[lang];
    const en = t.en || t.source || t.text || "";
    if (en) return { en, translations, headline: true };
  }
  if (typeof t === "string" && t.trim()) return { en: t, translations: {}, headline: true };
  const first = (brief.segments[0] || {}).en || "";
  return { en: first.length > 120 ? first.slice(0, 119) + "…" : first, translations: {}, headline: false };
}

/** Title, link, progress, the review-language choice and downloads. actions: {setLang, download}. */
export function briefHeader(state, actions) {
  const brief = state.brief;
  const title = titleOf(brief);
  const p = progress(brief);
  const link = state.id ? location.origin + "/briefs/" + encodeURIComponent(state.id) : null;
  const targets = targetLangs(brief);
  const choice = h("fieldset", { class: "reviewing" }, h("legend", {}, "Review language"),
    targets.map((lang) => {
      const input = h("input", { type: "radio", name: "review-lang", value: lang, checked: lang === state.activeLang });
      input.addEventListener("change", () => actions.setLang(lang));
      return h("label", { class: "inline" }, input, " ", h("span", { lang }, languageName(lang)));
    }));
  return h("div", { class: "brief-head" },
    h("p", { class: "stale-note", role: "alert", hidden: true }),
    h("h2", { id: "brief-title", dir: "auto", class: title.headline ? "headline" : "" }, title.en),
    Object.entries(title.translations).map(([lang, text]) => h("p", { class: "title-translation", lang, dir: "auto" }, text)),
    h("p", { class: "brief-meta" },
      state.id ? ["Stored · ", h("a", { href: link, class: "permalink" }, "link to this brief"),
                  ` · version ${state.version}`]
        : h("strong", {}, "Not stored: view-only."),
      state.id && !state.editable ? " · view-only for your key" : null),
    h("p", { class: "progress", id: "progress", "aria-live": "polite" },
      `${p.segments} / ${p.total} segments confirmed · ${p.confirmed} / ${p.translations} translations`),
    h("div", { class: "toolbar" }, targets.length > 1 ? choice : null, downloads(state, actions)),
    h("p", { class: "note keys-help", id: "grid-help" }, state.editable
      ? ["Tab moves from segment to segment. In a segment: ", h("kbd", {}, "Enter"), " edits, ",
         h("kbd", {}, "Ctrl"), "+", h("kbd", {}, "Enter"), " confirms and moves on, ", h("kbd", {}, "Alt"), "+",
         h("kbd", {}, "↓"), "/", h("kbd", {}, "↑"), " moves, ", h("kbd", {}, "←"), "/", h("kbd", {}, "→"),
         " goes through the names, ", h("kbd", {}, "Esc"), " cancels."]
      : ["Tab moves from segment to segment; ", h("kbd", {}, "Alt"), "+", h("kbd", {}, "↓"), "/", h("kbd", {}, "↑"),
         " moves, ", h("kbd", {}, "←"), "/", h("kbd", {}, "→"), " goes through the names."]));
}

function downloads(state, actions) {
  if (!state.id) return h("p", { class: "note downloads" }, "Store a brief to download it as XLIFF, TMX or TBX.");
  const formats = [["xliff", "XLIFF 2.0"], ["xliff12", "XLIFF 1.2"], ["tmx", "TMX"], ["tbx", "TBX"]];
  return h("p", { class: "downloads" }, h("span", {}, "Download: "), formats.map(([fmt, label]) => {
    const button = h("button", { type: "button", dataset: { format: fmt } }, label);
    button.addEventListener("click", () => actions.download(fmt));
    return [button, " "];
  }));
}

/** What of the article was left out of the brief (end marks, navigation, datelines…), so nothing vanishes. */
export function droppedSection(state) {
  const dropped = (state.brief.meta && state.brief.meta.dropped) || [];
  if (!dropped.length) return null;
  return h("details", { class: "dropped" }, h("summary", {}, `Left out of the brief (${dropped.length})`),
    h("ul", {}, dropped.map((d) => h("li", {}, h("span", { class: "kind" }, d.kind), ": ",
                                      h("span", { dir: "auto" }, d.text)))));
}

export function namesSection(state) {
  const brief = state.brief;
  if (!(brief.entities || []).length) return null;
  const targets = targetLangs(brief);
  return h("section", { class: "names", "aria-labelledby": "names-h" },
    h("h3", { id: "names-h" }, "Names"),
    h("div", { class: "table-wrap" }, h("table", { class: "names-table" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "#"), h("th", { scope: "col" }, "Name"),
        h("th", { scope: "col" }, "Type"), targets.map((lang) => h("th", { scope: "col", lang }, languageName(lang))),
        h("th", { scope: "col" }, "From"))),
      h("tbody", {}, brief.entities.map((e, n) => {
        const badge = h("span", { class: "badge", "aria-hidden": "true" }, String(n + 1));
        badge.style.setProperty("--h", String(entityHue(n)));
        return h("tr", {}, h("td", {}, badge, srOnly(String(n + 1))), h("th", { scope: "row", dir: "auto" }, e.source),
          h("td", {}, e.type), targets.map((lang) => h("td", { lang, dir: "auto" }, (e.renderings || {})[lang] || "—")),
          h("td", {}, e.glossary ? "glossary " + e.glossary : e.resolution));
      })))));
}

export function addNameForm(state, actions) {
  if (!actions.canWrite()) return null;
  const targets = targetLangs(state.brief);
  const status = h("p", { class: "note", role: "status" });
  const form = h("form", { id: "glossary-form" },
    h("label", { for: "g-source" }, "English"), h("input", { id: "g-source", name: "source", required: true }),
    targets.map((lang) => [h("label", { for: "g-" + lang }, languageName(lang)),
                           h("input", { id: "g-" + lang, name: "r-" + lang, lang })]),
    h("label", { for: "g-name" }, "Glossary"), h("input", { id: "g-name", name: "glossary", value: actions.glossaryName(), required: true }),
    h("button", { type: "submit" }, "Add to glossary"), status);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const renderings = {};
    for (const lang of targets) { const v = form.elements["r-" + lang].value.trim(); if (v) renderings[lang] = v; }
    const source = form.elements.source.value.trim();
    const name = form.elements.glossary.value.trim();
    if (!source || !Object.keys(renderings).length || !name) {
      status.textContent = "Give the English name, at least one rendering and a glossary.";
      return;
    }
    actions.setGlossaryName(name);
    try { status.textContent = await actions.addEntry(name, { source, renderings }); }
    catch (err) { status.textContent = err.message; actions.onKeyProblem(err); }
  });
  return h("details", { class: "add-name" }, h("summary", {}, "Add a name to a glossary"), form);
}

export function historySection(state) {
  if (!state.history.length) return null;
  return h("section", { class: "history", "aria-labelledby": "history-h" },
    h("h3", { id: "history-h" }, "Edits"),
    h("ol", {}, state.history.map((e) => h("li", {},
      `${e.segment === "title" ? "Title" : "Segment " + e.segment.replace(/^s/, "")} · ${languageName(e.lang)}: `,
      h("del", { lang: e.lang, dir: "auto" }, e.previous), " → ", h("ins", { lang: e.lang, dir: "auto" }, e.text)))));
}
