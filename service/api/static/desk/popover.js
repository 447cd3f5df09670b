// Name popovers: hovering or focusing a name shows its glossary entry and lights up the same entity
// in every column; from there a reviewer inserts the term into the open edit or adds a learned name
// to a glossary in one click, and reads the result right there.

import { $, $$, h, languageName, entityHue } from "./dom.js";

const RESOLUTIONS = {
  glossary: "from a glossary",
  learned: "learned: the name's own translation, no glossary has it",
  unresolved: "unresolved: no rendering, the model translated it freely",
  cldr: "from the CLDR country and city names",
};
const DETECTORS = { glossary: "a glossary", cldr: "CLDR names", ner: "the NER model", heuristic: "the name heuristic" };

/**
 * ctx: {brief(), editor() -> {lang, insert(text)} | null, canAdd(), addToGlossary(entity) -> Promise<string>}
 */
export function createPopover(ctx) {
  const pop = $("#popover");
  let anchor = null, pinned = false, hideTimer = 0, quiet = null;  // quiet: a name refocused on close

  function whoWon(entity, lang) {
    const by = (entity.rendered_by || {})[lang];
    if (by) return by === "learned" ? "learned" : "glossary " + by;
    if (!(entity.renderings || {})[lang]) return "—";
    return entity.glossary ? "glossary " + entity.glossary : entity.resolution;
  }

  function content(entity, n) {
    const langs = Object.keys(entity.renderings || {});
    const editor = ctx.editor();
    const status = h("p", { class: "pop-status", role: "status" });
    const actions = [];
    if (editor && (entity.renderings || {})[editor.lang]) {
      const rendering = entity.renderings[editor.lang];
      const insert = h("button", { type: "button", lang: "en" }, "Insert ", h("span", { lang: editor.lang }, rendering));
      insert.addEventListener("click", () => { editor.insert(rendering); status.textContent = "Inserted."; });
      actions.push(insert);
    }
    if (ctx.canAdd() && entity.resolution !== "glossary" && langs.length) {
      const add = h("button", { type: "button" }, "Add to glossary ", h("code", {}, ctx.glossaryName()));
      add.addEventListener("click", async () => {
        add.disabled = true;
        status.textContent = "Adding…";
        try {
          status.textContent = await ctx.addToGlossary(entity);
        } catch (e) {
          status.textContent = e.message;
          status.classList.add("error");
          add.disabled = false;
        }
      });
      actions.push(add);
    }
    const close = h("button", { type: "button", class: "pop-close", "aria-label": "Close" }, "×");
    close.addEventListener("click", () => hide(true));
    const badge = h("span", { class: "badge", "aria-hidden": "true" }, String(n + 1));
    badge.style.setProperty("--h", String(entityHue(n)));
    return [
      close,
      h("h3", { id: "popover-title" }, badge, " ", h("span", { dir: "auto" }, entity.source)),
      h("p", { class: "pop-kind", id: "popover-desc" },
        [entity.type, RESOLUTIONS[entity.resolution] || entity.resolution,
         entity.detector ? "found by " + (DETECTORS[entity.detector] || entity.detector) : null]
          .filter(Boolean).join(" · ")),
      langs.length ? h("table", { class: "pop-renderings" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Language"), h("th", { scope: "col" }, "Rendering"),
                                  h("th", { scope: "col" }, "Won by"))),
        h("tbody", {}, langs.map((lang) => h("tr", {},
          h("th", { scope: "row" }, languageName(lang)),
          h("td", { lang, dir: "auto" }, entity.renderings[lang]),
          h("td", {}, whoWon(entity, lang)))))) : h("p", {}, "No rendering in any language."),
      actions.length ? h("p", { class: "pop-actions" }, actions) : null,
      status,
    ];
  }

  function highlight(n) {
    for (const mark of $$("mark.ent.same")) mark.classList.remove("same");
    if (n !== null) for (const mark of $$(`mark.ent[data-entity="${n}"]`)) mark.classList.add("same");
  }

  function place(mark) {
    const rect = mark.getBoundingClientRect();
    const width = Math.min(360, window.innerWidth - 16);
    pop.style.width = width + "px";
    pop.style.left = Math.max(8, Math.min(rect.left + window.scrollX, window.scrollX + window.innerWidth - width - 8)) + "px";
    pop.style.top = (rect.bottom + window.scrollY + 6) + "px";
  }

  function show(mark, pin) {
    clearTimeout(hideTimer);
    const n = Number(mark.dataset.entity);
    const entity = (ctx.brief().entities || [])[n];
    if (!entity) return;
    if (anchor !== mark || pop.hidden) {
      if (anchor) anchor.removeAttribute("aria-describedby");
      anchor = mark;
      pop.replaceChildren(...content(entity, n).filter(Boolean));
      pop.hidden = false;
      place(mark);
      highlight(n);
      mark.setAttribute("aria-describedby", "popover-desc");
    }
    pinned = pinned || Boolean(pin);
  }

  function hide(returnFocus) {
    clearTimeout(hideTimer);
    if (pop.hidden) return;
    pop.hidden = true;
    pinned = false;
    highlight(null);
    const mark = anchor;
    if (mark) mark.removeAttribute("aria-describedby");
    anchor = null;
    if (returnFocus && mark && mark.isConnected) { quiet = mark; mark.focus(); }
  }

  const later = () => { clearTimeout(hideTimer); hideTimer = setTimeout(() => { if (!pinned) hide(false); }, 300); };

  function attach(root) {
    root.addEventListener("mouseover", (e) => { const m = e.target.closest("mark.ent"); if (m) show(m, false); });
    root.addEventListener("mouseout", (e) => { if (e.target.closest("mark.ent")) later(); });
    root.addEventListener("focusin", (e) => {
      if (!e.target.matches("mark.ent")) return;
      if (e.target === quiet) { quiet = null; return; }  // back from the popover: it stays closed
      show(e.target, false);
    });
    root.addEventListener("focusout", (e) => {
      if (e.target.matches("mark.ent") && !pop.contains(e.relatedTarget)) {
        if (e.relatedTarget && e.relatedTarget.matches && e.relatedTarget.matches("mark.ent")) return;
        if (!pinned) hide(false);
      }
    });
    root.addEventListener("click", (e) => { const m = e.target.closest("mark.ent"); if (m) show(m, true); });
  }

  pop.addEventListener("mouseenter", () => clearTimeout(hideTimer));
  pop.addEventListener("mouseleave", later);
  pop.addEventListener("keydown", (e) => { if (e.key === "Escape") { e.preventDefault(); hide(true); } });
  pop.addEventListener("focusout", (e) => {
    if (!pop.contains(e.relatedTarget) && e.relatedTarget !== anchor) hide(false);
  });
  document.addEventListener("click", (e) => {
    if (!pop.hidden && !pop.contains(e.target) && !e.target.closest("mark.ent")) hide(false);
  });
  window.addEventListener("resize", () => { if (anchor && !pop.hidden) place(anchor); });

  /** Move focus into the popover (Enter on a name). */
  function enter(mark) {
    show(mark, true);
    const first = pop.querySelector("button:not(.pop-close)") || pop.querySelector("button");
    if (first) first.focus();
  }

  return { attach, show, hide, enter, isOpen: () => !pop.hidden, anchor: () => anchor };
}
