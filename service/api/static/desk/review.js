// The brief under review: the segment grid with its keyboard flow and in-place editing, the QA panel and
// memory matches beside it, and the parts around it (sections.js).

import { api } from "./api.js";
import { $, $$, append, h, languageName } from "./dom.js";
import { renderGrid, sourceLang, targetLangs, statusOf, unitOf, unitsOf, STATUS_LABELS } from "./grid.js";
import { briefHeader, droppedSection, namesSection, addNameForm, historySection } from "./sections.js";
import { renderQa, cellFlags, missingNames, numbersToCheck } from "./qa.js";
import { createPopover } from "./popover.js";
import { createMemoryPanel } from "./memory.js";

const GLOSSARY_TARGET = "briefs.addGlossary";

/** deps: {say(text, error), onKeyProblem(error), canWrite(), afterChange(stored), glossariesChanged()} */
export function createReview(root, deps) {
  const state = { brief: null, id: null, version: 0, history: [], editable: false, activeLang: null,
                  current: null, editing: null, items: [] };
  const popover = createPopover({
    brief: () => state.brief,
    editor: () => (state.editing ? { lang: state.editing.lang, insert: insertText } : null),
    canAdd: () => deps.canWrite(),
    glossaryName,
    addToGlossary,
  });
  const memory = createMemoryPanel(() => $("#tm", root), {
    brief: () => state.brief, id: () => state.id, version: () => state.version,
    editable: () => state.editable, apply: applyMatch });

  function glossaryName() { return sessionStorage.getItem(GLOSSARY_TARGET) || "desk"; }

  // -- rendering --------------------------------------------------------------------------------

  function render() {
    const brief = state.brief;
    const qa = h("section", { id: "qa", class: "panel", "aria-labelledby": "qa-h" });
    const tm = h("section", { id: "tm", class: "panel", "aria-labelledby": "tm-h" }, h("h3", { id: "tm-h" }, "Memory matches"));
    state.items = renderQa(qa, brief, jump);
    const grid = renderGrid(brief, { editable: state.editable, flags: cellFlags(state.items), activeLang: state.activeLang });
    const actions = { setLang: setActiveLang, download, canWrite: deps.canWrite, glossaryName, addEntry,
                      setGlossaryName: (name) => sessionStorage.setItem(GLOSSARY_TARGET, name),
                      onKeyProblem: deps.onKeyProblem };
    root.replaceChildren();
    append(root, [
      briefHeader(state, actions),
      h("div", { class: "workspace" },
        h("div", { class: "grid-wrap" }, grid),
        h("aside", { class: "side", "aria-label": "Checks and memory matches" }, qa, tm)),
      droppedSection(state), namesSection(state), addNameForm(state, actions), historySection(state)]);
    root.hidden = false;
    memory.showFor(state.current, state.activeLang);
    markActive();
    popover.attach(grid);
    grid.addEventListener("keydown", onKey);
    grid.addEventListener("focusin", onFocus);
    grid.addEventListener("click", onClick);
    grid.addEventListener("dblclick", (e) => {
      const cell = e.target.closest("td[data-status]");
      if (cell && state.editable && !state.editing) startEdit(cell.dataset.segment, cell.dataset.lang);
    });
  }

  function markActive() {
    for (const el of $$("#grid [data-lang]")) el.classList.toggle("active", el.dataset.lang === state.activeLang);
    for (const row of $$("#grid tbody tr")) row.classList.toggle("current", row.dataset.segment === state.current);
  }

  function setActiveLang(lang) {
    state.activeLang = lang;
    for (const input of $$("input[name=review-lang]", root)) input.checked = input.value === lang;
    markActive();
    memory.showFor(state.current, lang);
  }

  // -- showing a brief ----------------------------------------------------------------------------

  /** Show ``brief`` (a stored one has ``id``): keeps the review language and place when it is the same brief. */
  function show(brief, { id = null, version = 0, history = [], editable = false } = {}) {
    const same = id && id === state.id;
    state.brief = brief;
    state.id = id;
    state.version = version;
    state.history = history;
    state.editable = Boolean(id) && editable;
    const targets = targetLangs(brief);
    if (!targets.includes(state.activeLang)) state.activeLang = targets[0] || null;
    if (!same) { state.current = (unitsOf(brief)[0] || {}).id || null; state.editing = null; memory.clear(); }
    popover.hide(false);
    render();
  }

  /** Mark the brief on screen as not current (a new request failed or was refused). */
  function markStale(message) {
    if (!state.brief) return;
    root.classList.add("stale");
    const note = $(".stale-note", root);
    note.hidden = false;
    note.textContent = "Previous brief, not made from the text above: " + message;
  }

  function clearStale() {
    root.classList.remove("stale");
    const note = $(".stale-note", root);
    if (note) note.hidden = true;
  }

  // -- moving around --------------------------------------------------------------------------------

  const rowOf = (segment) => document.getElementById("seg-" + segment);
  const rows = () => $$("#grid tbody tr");

  function focusRow(segment) {
    const row = rowOf(segment);
    if (!row) return;
    row.focus();
    row.scrollIntoView({ block: "nearest" });
  }

  function neighbour(segment, by) {
    const all = rows();
    const at = all.findIndex((r) => r.dataset.segment === segment);
    const next = all[at + by];
    return next ? next.dataset.segment : null;
  }

  function jump(segment, lang) {
    if (lang && targetLangs(state.brief).includes(lang)) setActiveLang(lang);
    focusRow(segment);
    const row = rowOf(segment);
    if (row) { row.classList.remove("flash"); void row.offsetWidth; row.classList.add("flash"); }
  }

  function onFocus(e) {
    const row = e.target.closest("tbody tr");
    if (!row || row.dataset.segment === state.current) return;
    state.current = row.dataset.segment;
    markActive();
    memory.showFor(state.current, state.activeLang);
  }

  function onClick(e) {
    const button = e.target.closest("button[data-action]");
    const cell = e.target.closest("td[data-status]");
    if (cell && cell.dataset.lang !== state.activeLang && !e.target.closest(".editor")) setActiveLang(cell.dataset.lang);
    if (!button || !cell) return;
    const { segment, lang } = cell.dataset;
    if (button.dataset.action === "edit") startEdit(segment, lang);
    if (button.dataset.action === "confirm") setConfirmed(segment, lang, true, false);
    if (button.dataset.action === "reopen") setConfirmed(segment, lang, false, false);
  }

  function onKey(e) {
    if (e.target.closest(".editor")) return editorKey(e);
    const row = e.target.closest("tbody tr");
    if (!row) return;
    const segment = row.dataset.segment;
    const ctrl = e.ctrlKey || e.metaKey;
    if (e.altKey && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
      e.preventDefault();
      const next = neighbour(segment, e.key === "ArrowDown" ? 1 : -1);
      if (next) focusRow(next);
      return;
    }
    if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      const marks = $$("mark.ent", row);
      if (!marks.length) return;
      e.preventDefault();
      const at = marks.indexOf(e.target);
      const by = e.key === "ArrowRight" ? 1 : -1;
      const next = at === -1 ? (by > 0 ? marks[0] : marks[marks.length - 1]) : marks[at + by];
      if (next) next.focus(); else row.focus();
      return;
    }
    if (e.key === "Escape") {
      if (popover.isOpen() || e.target !== row) { e.preventDefault(); popover.hide(false); row.focus(); }
      return;
    }
    if (e.key === "Enter" && e.target.matches("mark.ent")) { e.preventDefault(); popover.enter(e.target); return; }
    if (e.key === "Enter" && ctrl) { e.preventDefault(); confirmAndMove(segment); return; }
    if ((e.key === "Enter" || e.key === "F2") && e.target === row) {
      e.preventDefault();
      if (state.editable) startEdit(segment, state.activeLang);
      else deps.say(state.id ? "Your key may only read this brief." : "This brief is not stored, so it is view-only.");
    }
  }

  // -- editing ----------------------------------------------------------------------------------------

  function cellOf(segment, lang) { return $(`#seg-${CSS.escape(segment)} td[data-lang="${CSS.escape(lang)}"][data-status]`); }

  function startEdit(segment, lang) {
    if (!state.editable || !lang) return;
    if (state.editing) cancelEdit(false);
    const cell = cellOf(segment, lang);
    if (!cell) return;
    const text = unitOf(state.brief, segment).translations[lang] || "";
    const id = `edit-${segment}-${lang}`;
    const check = h("p", { class: "edit-check", id: id + "-check", "aria-live": "polite" });
    const area = h("textarea", { id, rows: "3", dir: "auto", lang, "aria-describedby": `${id}-check grid-help` });
    area.value = text;
    const names = missingNamesTerms(segment, lang);
    const editor = h("div", { class: "editor" },
      h("label", { for: id, class: "sr-only" },
        `${languageName(lang)} translation of ${segment === "title" ? "the title" : "segment " + segment.replace(/^s/, "")}`),
      area, check,
      names.length ? h("p", { class: "insert-terms", lang: "en" }, "Insert: ", names.map(([rendering, source]) => {
        const b = h("button", { type: "button", "aria-label": `Insert ${rendering} (${source})` }, h("span", { lang }, rendering));
        b.addEventListener("click", () => insertText(rendering));
        return [b, " "];
      })) : null,
      h("p", { class: "edit-buttons", lang: "en" },
        button("Save", () => saveEdit({ confirm: false, move: 0 })), " ",
        button("Confirm", () => saveEdit({ confirm: true, move: 1 }), "Ctrl+Enter"), " ",
        button("Cancel", () => cancelEdit(true), "Esc")));
    cell.classList.add("editing");
    cell.querySelector(".text").replaceWith(editor);
    const actions = cell.querySelector(".cell-actions");
    if (actions) actions.hidden = true;
    state.editing = { segment, lang, original: text, area, check, cell };
    area.addEventListener("input", () => liveCheck());
    liveCheck();
    area.focus();
    area.setSelectionRange(area.value.length, area.value.length);
    state.current = segment;
    markActive();
  }

  function button(label, action, keys) {
    const b = h("button", { type: "button", "aria-keyshortcuts": keys === "Ctrl+Enter" ? "Control+Enter" : keys === "Esc" ? "Escape" : null },
      label, keys ? h("span", { class: "key-hint" }, ` (${keys})`) : null);
    b.addEventListener("click", action);
    return b;
  }

  /** [rendering, English name] of the names in this segment's English that have a rendering in ``lang``. */
  function missingNamesTerms(segment, lang) {
    const source = sourceLang(state.brief);
    return (state.brief.entities || [])
      .filter((e) => (e.renderings || {})[lang] && (e.mentions || []).some((m) => m.segment === segment && m.lang === source))
      .map((e) => [e.renderings[lang], e.source]);
  }

  function liveCheck() {
    const ed = state.editing;
    if (!ed) return;
    const missing = missingNames(state.brief, ed.segment, ed.lang, ed.area.value);
    const english = (unitOf(state.brief, ed.segment) || {}).en || "";
    const numbers = numbersToCheck(english, ed.area.value);
    ed.check.textContent = [
      missing.length ? "Missing names: " + missing.map((m) => `${m.rendering} (${m.entity.source})`).join(", ") + "." : "",
      numbers.length ? "Check numbers: " + numbers.join(", ") + "." : ""].filter(Boolean).join(" ");
    ed.check.classList.toggle("warn", missing.length + numbers.length > 0);
    // Checks on this cell describe the old text: shown as pending until the edit is saved.
    for (const item of $$(`#qa li[data-segment="${CSS.escape(ed.segment)}"][data-lang="${CSS.escape(ed.lang)}"]`)) {
      item.classList.toggle("pending", ed.area.value !== ed.original);
    }
  }

  function insertText(text) {
    const ed = state.editing;
    if (!ed) return;
    const { area } = ed;
    const start = area.selectionStart, end = area.selectionEnd;
    area.setRangeText(text, start, end, "end");
    area.focus();
    liveCheck();
  }

  function cancelEdit(refocus) {
    const ed = state.editing;
    if (!ed) return;
    state.editing = null;
    render();
    if (refocus) focusRow(ed.segment);
  }

  function editorKey(e) {
    const ed = state.editing;
    if (!ed) return;
    if (e.key === "Escape") { e.preventDefault(); cancelEdit(true); return; }
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); saveEdit({ confirm: true, move: 1 }); return; }
    if (e.altKey && (e.key === "ArrowDown" || e.key === "ArrowUp")) {
      e.preventDefault();
      saveEdit({ confirm: false, move: e.key === "ArrowDown" ? 1 : -1 });
    }
  }

  async function patch(segment, lang, change) {
    const stored = await (await api("PATCH", `/v1/briefs/${encodeURIComponent(state.id)}/segments/${encodeURIComponent(segment)}`,
                                    { lang, ...change })).json();
    state.brief = stored;
    state.version = stored.version;
    state.history = stored.history || [];
    deps.afterChange(stored);
    return stored;
  }

  /** Save the open edit (and confirm it); then stay, or move ``move`` segments and keep editing there. */
  async function saveEdit({ confirm, move }) {
    const ed = state.editing;
    if (!ed || ed.busy) return;
    const text = ed.area.value;
    if (!text.trim()) { ed.check.textContent = "A translation cannot be empty; Esc puts the old text back."; return; }
    const change = {};
    if (text !== ed.original) change.text = text;
    if (confirm) change.confirmed = true;
    ed.busy = true;
    ed.area.setAttribute("aria-busy", "true");
    try {
      if (Object.keys(change).length) await patch(ed.segment, ed.lang, change);
      state.editing = null;
      render();
      deps.say(confirm ? "Confirmed." : change.text ? "Saved." : "No change.");
      const next = move ? neighbour(ed.segment, move) : null;
      if (next) startEdit(next, ed.lang);
      else { focusRow(ed.segment); if (move > 0 && confirm) deps.say("Confirmed. That was the last segment."); }
    } catch (err) {
      ed.busy = false;
      ed.area.removeAttribute("aria-busy");
      ed.check.textContent = err.message;
      deps.say(err.message, true);
      deps.onKeyProblem(err);
    }
  }

  async function setConfirmed(segment, lang, confirmed, move) {
    if (!state.editable) return;
    try {
      await patch(segment, lang, { confirmed });
      render();
      deps.say(confirmed ? "Confirmed." : "Reopened.");
      const next = move ? neighbour(segment, 1) : null;
      focusRow(next || segment);
      if (move && !next) deps.say("Confirmed. That was the last segment.");
    } catch (err) { deps.say(err.message, true); deps.onKeyProblem(err); }
  }

  function confirmAndMove(segment) {
    if (!state.editable) {
      deps.say(state.id ? "Your key may only read this brief." : "This brief is not stored, so it is view-only.");
      return;
    }
    setConfirmed(segment, state.activeLang, true, true);
  }

  async function applyMatch(segment, lang, text) {
    try {
      await patch(segment, lang, { text });
      render();
      deps.say("Applied the memory's translation.");
      focusRow(segment);
    } catch (err) { deps.say(err.message, true); deps.onKeyProblem(err); }
  }

  // -- glossary and downloads ---------------------------------------------------------------------------

  async function addEntry(name, entry) {
    try {
      await api("POST", `/v1/glossaries/${encodeURIComponent(name)}/entries`, { entries: [entry] });
    } catch (e) {
      if (e.status !== 404) throw e;
      await api("POST", "/v1/glossaries", { name, entries: [entry] });
    }
    deps.glossariesChanged();
    return `Added ${entry.source} to glossary ${name}. Later briefs use it.`;
  }

  async function addToGlossary(entity) {
    const type = ["person", "organization", "place", "title", "term"].includes(entity.type) ? entity.type : "term";
    try {
      return await addEntry(glossaryName(), { source: entity.source, type, renderings: { ...entity.renderings } });
    } catch (e) { deps.onKeyProblem(e); throw e; }
  }

  async function download(fmt) {
    try {
      const response = await api("GET", `/v1/briefs/${encodeURIComponent(state.id)}?format=${fmt}`, undefined, { accept: "*/*" });
      const match = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
      const link = h("a", { href: URL.createObjectURL(await response.blob()), download: match ? match[1] : "brief" });
      document.body.append(link);
      link.click();
      link.remove();
      deps.say("Downloaded " + link.download + ".");
    } catch (e) { deps.say(e.message, true); deps.onKeyProblem(e); }
  }

  return { show, markStale, clearStale, state, focusRow, statusOf, labels: STATUS_LABELS };
}
