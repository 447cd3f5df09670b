// The new-brief form: a character counter against the service's limit and a refusal before sending
// anything longer (a paste or a file: nothing is cut silently), the glossary order the reviewer sets,
// and the list of recent stored briefs.

import { getJson } from "./api.js";
import { $, h, countChars, maxChars, number, when, languageName } from "./dom.js";

const ORDER = "briefs.glossaryOrder";  // [{name, on}] in the reviewer's order (this tab only)

/** "The article has 200,345 characters; the limit is 100,000." or null when it fits. */
export function overLimit(text) {
  const count = countChars(text);
  const limit = maxChars();
  return count > limit
    ? `The article has ${number(count)} characters; this service takes at most ${number(limit)}. ` +
      "Shorten it or split it into parts, then make the brief."
    : null;
}

export function updateCounter() {
  const count = countChars($("#article").value);
  const limit = maxChars();
  const counter = $("#article-count");
  counter.textContent = `${number(count)} / ${number(limit)} characters`;
  counter.classList.toggle("over", count > limit);
  $("#article").setAttribute("aria-invalid", count > limit ? "true" : "false");
}

/** Read a chosen file into the article box, unless it is over the limit (then refuse it, keep the box). */
export async function readFile(file, refuse) {
  // A character is at least one byte: a file of more than 4 bytes a character is over for sure.
  if (file.size > maxChars() * 4) {
    refuse(`The file ${file.name} is ${number(Math.round(file.size / 1024))} KB; this service takes at most ` +
           `${number(maxChars())} characters. Shorten it or split it into parts.`);
    return false;
  }
  const text = await file.text();
  const problem = overLimit(text);
  if (problem) {
    refuse(problem.replace("The article", `The file ${file.name}`));
    return false;
  }
  $("#article").value = text;
  updateCounter();
  return true;
}

// -- glossary order ---------------------------------------------------------------------------------

function savedOrder() {
  try { return JSON.parse(sessionStorage.getItem(ORDER) || "[]"); } catch (e) { return []; }
}

function saveOrder() {
  const items = [...document.querySelectorAll("#glossaries li")].map((li) => (
    { name: li.dataset.name, on: li.querySelector("input").checked }));
  sessionStorage.setItem(ORDER, JSON.stringify(items));
}

/** The chosen glossaries, highest precedence first. */
export const chosenGlossaries = () => [...document.querySelectorAll("#glossaries li")]
  .filter((li) => li.querySelector("input").checked).map((li) => li.dataset.name);

function move(li, by) {
  const list = li.parentElement;
  const items = [...list.children];
  const to = items.indexOf(li) + by;
  if (to < 0 || to >= items.length) return;
  if (by < 0) list.insertBefore(li, items[to]);
  else list.insertBefore(li, items[to].nextSibling);
  renumber();
  saveOrder();
  const button = li.querySelector(by < 0 ? ".up" : ".down");
  (button.disabled ? li.querySelector(by < 0 ? ".down" : ".up") : button).focus();
}

function renumber() {
  const items = [...document.querySelectorAll("#glossaries li")];
  items.forEach((li, n) => {
    li.querySelector(".up").disabled = n === 0;
    li.querySelector(".down").disabled = n === items.length - 1;
  });
}

function glossaryItem(name, on, n) {
  const id = "gl-" + n;
  const up = h("button", { type: "button", class: "up", "aria-label": `Move ${name} up` }, "↑");
  const down = h("button", { type: "button", class: "down", "aria-label": `Move ${name} down` }, "↓");
  const li = h("li", { dataset: { name } },
    h("input", { type: "checkbox", id, checked: on }), " ", h("label", { for: id, class: "inline" }, name), " ",
    h("span", { class: "order-buttons" }, up, down));
  up.addEventListener("click", () => move(li, -1));
  down.addEventListener("click", () => move(li, 1));
  li.querySelector("input").addEventListener("change", saveOrder);
  return li;
}

/** The reviewer's glossaries (not ``default``, which always applies last), in the saved order. */
export async function loadGlossaries() {
  const data = await getJson("/v1/glossaries");
  const names = data.glossaries.map((g) => g.name).filter((name) => name !== "default");
  const saved = savedOrder().filter((item) => names.includes(item.name));
  const order = [...saved, ...names.filter((name) => !saved.some((s) => s.name === name)).map((name) => ({ name, on: false }))];
  const list = $("#glossaries");
  list.replaceChildren(...order.map((item, n) => glossaryItem(item.name, item.on, n)));
  if (order.length) renumber();
  $("#glossary-note").textContent = order.length
    ? "Tick the glossaries to use and order them with the arrows; default always applies last."
    : "No glossaries of your own yet; default applies.";
}

// -- recent briefs -----------------------------------------------------------------------------------

export async function loadRecent() {
  const list = $("#recent-list");
  const note = $("#recent-note");
  const data = await getJson("/v1/briefs?limit=20");
  note.textContent = data.total ? (data.total > data.briefs.length
    ? `The newest ${data.briefs.length} of ${number(data.total)} stored briefs.` : "") : "No stored briefs yet.";
  list.replaceChildren(...data.briefs.map((brief) => {
    const review = brief.review || {};
    const langs = (brief.target_langs || []).map(languageName).join(", ");
    return h("li", { dataset: { id: brief.id } },
      h("a", { href: "/briefs/" + encodeURIComponent(brief.id), dir: "auto" }, brief.title || "Untitled brief"),
      h("span", { class: "recent-meta" },
        h("time", { datetime: brief.created_at }, when(brief.created_at)), " · ", langs, " · ",
        `${review.segments_confirmed || 0} / ${review.segments || 0} segments reviewed`));
  }));
}
