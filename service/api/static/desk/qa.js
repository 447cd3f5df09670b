// The QA panel: every warning and quality flag of a brief, grouped by severity and kind, repairs
// collapsed into one line, each item jumping to its segment. Nothing about a cell's old text
// survives once a reviewer or a memory has replaced it.

import { $, append, h, languageName, number } from "./dom.js";
import { unitsOf } from "./grid.js";

export const SEVERITIES = [
  ["review", "Needs review"],
  ["check", "Worth a look"],
  ["note", "Notes"],
];

// Warning codes of the pipeline: severity and a short name for the kind.
const CODES = {
  "entity-missing": ["review", "Name missing from the translation"],
  "tm-glossary": ["review", "Memory text lacks a glossary name"],
  "alignment-empty": ["review", "No translation"],
  "alignment-multiple": ["check", "Several sentences for one"],
  "glossary-possible-misspelling": ["check", "Possibly misspelt name"],
  "glossary-missing-rendering": ["check", "Glossary entry lacks this language"],
  "tm-suggestion": ["note", "Memory suggestion"],
  "controls-removed": ["note", "Hidden characters removed"],
  "tiny-models": ["note", "Test models"],
};
// Quality-signal kinds (per segment and language), when the brief carries them.
const QUALITY_KINDS = {
  numbers: "Numbers or dates differ", number: "Numbers or dates differ", dates: "Numbers or dates differ",
  untranslated: "Untranslated text", degeneration: "Repeated or cut-off output", repetition: "Repeated output",
  truncation: "Cut-off output", length: "Unusual length", length_ratio: "Unusual length", script: "Wrong script",
  confidence: "Low model confidence", glossary_repairs: "Many names repaired",
};
const REPAIR = "glossary-repair-";
const REPAIR_KINDS = {
  dropped: "dropped by the model, put back", mangled: "mangled by the model, rewritten",
  duplicated: "duplicated by the model, kept once", reordered: "moved by the model, kept",
  variant: "spelt another way, respelt",
};
// Warnings about the model's own text: stale once a reviewer or a memory supplied the text.
const MODEL_ONLY = /^(glossary-repair-|alignment-)/;

/** Every item of the panel: {severity, kind, label, message, segment, lang, repair}. */
export function qaItems(brief) {
  const segments = new Map(unitsOf(brief).map((s) => [s.id, s]));
  const items = [];
  for (const segment of unitsOf(brief)) {
    for (const [lang, quality] of Object.entries(segment.quality || {})) {
      for (const flag of (quality && quality.flags) || []) {
        items.push({ severity: quality.needs_review ? "review" : "check", kind: "quality:" + flag.kind,
                     label: QUALITY_KINDS[flag.kind] || String(flag.kind).replace(/[_-]/g, " "),
                     message: flag.detail || "", segment: segment.id, lang, quality: true });
      }
    }
  }
  for (const w of (brief.meta && brief.meta.warnings) || []) {
    const segment = w.segment ? segments.get(w.segment) : null;
    const provenance = segment && w.lang ? (segment.provenance || {})[w.lang] : null;
    if (MODEL_ONLY.test(w.code) && provenance && provenance !== "model") continue;  // stale
    if (w.code.startsWith(REPAIR)) {
      const how = w.code.slice(REPAIR.length);
      items.push({ severity: "repair", kind: w.code, label: REPAIR_KINDS[how] || how, message: w.message,
                   segment: w.segment, lang: w.lang });
      continue;
    }
    const [severity, label] = CODES[w.code] || ["note", w.code.replace(/-/g, " ")];
    items.push({ severity, kind: w.code, label, message: w.message, segment: w.segment, lang: w.lang });
  }
  return items;
}

const place = (item) => [item.segment === "title" ? "Title" : item.segment ? "Segment " + item.segment.replace(/^s/, "")
  : "Whole brief",
                         item.lang ? languageName(item.lang) : ""].filter(Boolean).join(" · ");

function itemView(item, jump) {
  const where = place(item);
  const body = [h("span", { class: "qa-where" }, where), " ",
                h("span", { class: "qa-message", dir: "auto" }, item.message || item.label)];
  const attrs = { class: "qa-item", dataset: { segment: item.segment || "", lang: item.lang || "" } };
  if (!item.segment) return h("li", attrs, body);
  const button = h("button", { type: "button", class: "linkish", "aria-label": `${where}: ${item.message}` }, body);
  button.addEventListener("click", () => jump(item.segment, item.lang));
  return h("li", attrs, button);
}

function byKind(items) {
  const kinds = new Map();
  for (const item of items) {
    if (!kinds.has(item.kind)) kinds.set(item.kind, []);
    kinds.get(item.kind).push(item);
  }
  // Quality flags first, then the larger groups.
  return [...kinds.values()].sort((a, b) => (b[0].quality === true) - (a[0].quality === true) || b.length - a.length);
}

function repairsView(repairs, jump) {
  const names = repairs.length === 1 ? "1 name restored by the glossary" : `${number(repairs.length)} names restored by the glossary`;
  return h("details", { class: "qa-repairs" },
    h("summary", {}, names),
    h("p", { class: "note" }, "The model lost or changed these names; the glossary put its rendering back. " +
                              "Nothing to do unless a sentence reads badly."),
    byKind(repairs).map((group) => h("section", { class: "qa-kind" },
      h("h5", {}, `${group.length} ${group[0].label}`),
      h("ul", {}, group.map((item) => itemView(item, jump))))));
}

/** The panel for ``brief``; ``jump(segment, lang)`` moves the review there. */
export function renderQa(root, brief, jump) {
  const items = qaItems(brief);
  const repairs = items.filter((i) => i.severity === "repair");
  const counts = SEVERITIES.map(([key]) => items.filter((i) => i.severity === key).length);
  const summary = counts[0] + counts[1] === 0 ? "Nothing needs review." :
    [counts[0] && `${counts[0]} to review`, counts[1] && `${counts[1]} worth a look`].filter(Boolean).join(", ") + ".";
  root.replaceChildren();
  append(root, [
    h("h3", { id: "qa-h" }, "Checks"),
    h("p", { class: "qa-summary", id: "qa-summary" }, summary),
    SEVERITIES.map(([key, title], n) => {
      const mine = items.filter((i) => i.severity === key);
      if (!mine.length) return null;
      return h("section", { class: "qa-group qa-" + key, "aria-labelledby": "qa-" + key + "-h" },
        h("h4", { id: "qa-" + key + "-h" }, `${title} (${counts[n]})`),
        byKind(mine).map((group) => h("section", { class: "qa-kind", dataset: { kind: group[0].kind } },
          h("h5", {}, `${group[0].label} (${group.length})`),
          h("ul", {}, group.map((item) => itemView(item, jump))))));
    }),
    repairs.length ? repairsView(repairs, jump) : null,
  ]);
  return items;
}

/** Per (segment, lang): how many review/check items the cell has, for the badge in the grid. */
export function cellFlags(items) {
  const flags = new Map();
  for (const item of items) {
    if (!item.segment || !item.lang || (item.severity !== "review" && item.severity !== "check")) continue;
    const key = item.segment + "\u0000" + item.lang;
    flags.set(key, (flags.get(key) || 0) + 1);
  }
  return flags;
}

/** Renderings of the names in a segment's English that ``text`` does not contain: [{entity, rendering, at}]. */
export function missingNames(brief, segmentId, lang, text) {
  const missing = [];
  const source = (brief.meta && brief.meta.source_lang) || "en";
  for (const entity of brief.entities || []) {
    const rendering = (entity.renderings || {})[lang];
    const at = (entity.mentions || []).filter((m) => m.segment === segmentId && m.lang === source).map((m) => m.start);
    if (rendering && at.length && !text.includes(rendering)) missing.push({ entity, rendering, at: Math.min(...at) });
  }
  return missing.sort((a, b) => a.at - b.at);  // in the order the English names them
}

/** Numbers of the English that ``text`` does not show in Arabic digits (a hint while editing: "5万" for
 * "50,000" is fine, so this only asks the reviewer to look; the service's own check decides on save). */
export function numbersToCheck(english, text) {
  const digits = (s) => s.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).replace(/[,，]/g, "");
  const target = digits(text);
  const found = english.match(/\d[\d,]*(?:\.\d+)?/g) || [];
  return [...new Set(found)].filter((n) => !target.includes(digits(n)));
}

export const qaSummary = () => $("#qa-summary");
