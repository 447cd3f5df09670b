// The segment grid: one row per summary sentence (one Tab stop), English and each translation side
// by side, every name marked with its entity's colour and number, each translation with its status.

import { h, languageName, entityHue, srOnly } from "./dom.js";

export const STATUS_LABELS = { draft: "Draft", edited: "Edited", confirmed: "Confirmed" };
export const PROVENANCE_LABELS = { model: "model", "tm-exact": "from memory", edited: "reviewer" };

export const sourceLang = (brief) => (brief.meta && brief.meta.source_lang) || "en";
export const targetLangs = (brief) => (brief.meta && brief.meta.target_langs && brief.meta.target_langs.length
  ? brief.meta.target_langs : Object.keys((brief.segments[0] || {}).translations || {}));
export const statusOf = (segment, lang) => (segment.status || {})[lang] || "draft";
export const TITLE = "title";  // the title's segment id
/** Every unit to review: the title (when the article has a headline), then the summary's segments. */
export const unitsOf = (brief) => (brief.title && brief.title.id ? [brief.title, ...brief.segments] : brief.segments);
export const unitOf = (brief, id) => unitsOf(brief).find((s) => s.id === id);

/** Entity spans of one text, sorted, overlaps dropped: [{start, end, entity}]. */
export function spansOf(brief, segmentId, lang, text) {
  const spans = [];
  (brief.entities || []).forEach((entity, n) => {
    for (const m of entity.mentions || []) {
      if (m.segment === segmentId && m.lang === lang && m.start >= 0 && m.end <= text.length && m.start < m.end) {
        spans.push({ start: m.start, end: m.end, entity: n });
      }
    }
  });
  spans.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept = [];
  for (const span of spans) if (!kept.length || span.start >= kept[kept.length - 1].end) kept.push(span);
  return kept;
}

/** A name: a mark in its entity's colour with its number, reachable by arrow keys inside its row. */
export function entityMark(text, n) {
  const mark = h("mark", { class: "ent", tabindex: "-1", dataset: { entity: String(n), n: String(n + 1) } }, text);
  mark.style.setProperty("--h", String(entityHue(n)));
  return mark;
}

/** A text cut into plain runs and entity marks. */
export function textWithNames(brief, segmentId, lang, text) {
  const out = [];
  let last = 0;
  for (const span of spansOf(brief, segmentId, lang, text)) {
    if (span.start > last) out.push(text.slice(last, span.start));
    out.push(entityMark(text.slice(span.start, span.end), span.entity));
    last = span.end;
  }
  if (last < text.length || !out.length) out.push(text.slice(last));
  return h("p", { class: "text", dir: "auto" }, out);
}

function statusBadge(status) {
  return h("span", { class: "status status-" + status, lang: "en" }, STATUS_LABELS[status] || status);
}

function targetCell(brief, segment, lang, ctx) {
  const status = statusOf(segment, lang);
  const provenance = (segment.provenance || {})[lang] || "model";
  const pending = !(lang in (segment.translations || {}));
  const text = (segment.translations || {})[lang] || "";
  const flags = ctx.flags.get(segment.id + "\u0000" + lang) || 0;
  const cell = h("td", { lang, dataset: { lang, status, provenance, segment: segment.id, name: languageName(lang) } },
    pending ? h("p", { class: "text pending", lang: "en" }, "Translating…") : textWithNames(brief, segment.id, lang, text),
    h("p", { class: "cell-meta", lang: "en" },
      statusBadge(status), " ",
      h("span", { class: "provenance" }, PROVENANCE_LABELS[provenance] || provenance),
      flags ? h("span", { class: "flag-count", title: "checks for this translation" },
                " · ", `${flags} check${flags === 1 ? "" : "s"}`) : null));
  if (ctx.editable) {
    cell.append(h("p", { class: "cell-actions", lang: "en" },
      h("button", { type: "button", tabindex: "-1", dataset: { action: "edit" },
                    "aria-label": `Edit the ${languageName(lang)} translation` }, "Edit"),
      " ",
      h("button", { type: "button", tabindex: "-1", dataset: { action: status === "confirmed" ? "reopen" : "confirm" },
                    "aria-label": `${status === "confirmed" ? "Reopen" : "Confirm"} the ${languageName(lang)} translation` },
        status === "confirmed" ? "Reopen" : "Confirm")));
  }
  return cell;
}

/** The grid of ``brief``; ``ctx``: {editable, flags (cellFlags), activeLang}. */
export function renderGrid(brief, ctx) {
  const source = sourceLang(brief);
  const targets = targetLangs(brief);
  const head = h("thead", {}, h("tr", {},
    h("th", { scope: "col", class: "num" }, h("span", { "aria-hidden": "true" }, "#"), srOnly("Segment")),
    h("th", { scope: "col", lang: source }, languageName(source)),
    targets.map((lang) => h("th", { scope: "col", lang, class: lang === ctx.activeLang ? "active" : null,
                                    dataset: { lang } }, languageName(lang)))));
  const titled = unitsOf(brief) !== brief.segments;
  const rows = unitsOf(brief).map((segment, n) => h("tr", {
    id: "seg-" + segment.id, tabindex: "0", dataset: { segment: segment.id },
    class: segment.id === TITLE ? "title-row" : null,
    "aria-keyshortcuts": ctx.editable ? "Enter Control+Enter Alt+ArrowDown Alt+ArrowUp ArrowRight" : "Alt+ArrowDown Alt+ArrowUp ArrowRight",
  },
    h("th", { scope: "row", class: "num" }, segment.id === TITLE
      ? [h("span", { "aria-hidden": "true" }, "T"), srOnly("Title")] : String(titled ? n : n + 1)),
    h("td", { lang: source, dataset: { lang: source, name: languageName(source) } },
      segment.id === TITLE ? h("p", { class: "unit-label", lang: "en" }, "Title") : null,
      textWithNames(brief, segment.id, source, segment.en)),
    targets.map((lang) => targetCell(brief, segment, lang, ctx))));
  return h("table", { class: "grid", id: "grid", "aria-describedby": "grid-help" }, head, h("tbody", {}, rows));
}

/** Counts for "2 / 3 segments confirmed · 5 / 6 translations" (the title counts as a segment). */
export function progress(brief) {
  const targets = targetLangs(brief);
  let translations = 0, confirmed = 0, segments = 0;
  for (const segment of unitsOf(brief)) {
    const done = targets.filter((lang) => statusOf(segment, lang) === "confirmed").length;
    translations += targets.length;
    confirmed += done;
    if (targets.length && done === targets.length) segments += 1;
  }
  return { segments, total: unitsOf(brief).length, confirmed, translations };
}
