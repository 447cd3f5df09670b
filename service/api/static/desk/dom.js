// DOM helpers. Text only ever enters the page as text nodes (textContent), never as markup,
// so whatever an article, a glossary or a memory holds stays inert.

export const $ = (sel, root) => (root || document).querySelector(sel);
export const $$ = (sel, root) => [...(root || document).querySelectorAll(sel)];

/** An element: attrs set as attributes (event handlers, style and any *html* name are refused), children as nodes or text. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (/^on|^style$|html/i.test(name)) throw new Error("refused attribute " + name);
    if (name === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  append(el, children);
  return el;
}

/** Append nodes or strings (as text) to an element; arrays are flattened, null and false skipped. */
export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

const body = () => document.body.dataset;
let names = null;

/** A language's name in its own script (the page's data), else its code. */
export function languageName(code) {
  if (names === null) {
    try { names = JSON.parse(body().names || "{}"); } catch (e) { names = {}; }
  }
  return names[code] || code;
}

export const maxChars = () => Number(body().maxChars) || 100000;
export const keysRequired = () => body().keysRequired === "true";

/** Characters as the service counts them (code points, not UTF-16 units). */
export function countChars(text) {
  const pairs = text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g);
  return text.length - (pairs ? pairs.length : 0);
}

export const number = (n) => n.toLocaleString("en-US");

/** "3 minutes ago", "yesterday", or a date. */
export function when(iso) {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return "";
  const seconds = Math.round((Date.now() - time) / 1000);
  const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  if (seconds < 60) return "just now";
  if (seconds < 3600) return rtf.format(-Math.round(seconds / 60), "minute");
  if (seconds < 86400) return rtf.format(-Math.round(seconds / 3600), "hour");
  if (seconds < 7 * 86400) return rtf.format(-Math.round(seconds / 86400), "day");
  return new Date(time).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" });
}

/** A distinct hue per entity number (golden angle), so neighbours never share a colour. */
export const entityHue = (n) => Math.round((n * 137.508) % 360);

/** Visually hidden text for screen readers. */
export const srOnly = (text) => h("span", { class: "sr-only" }, text);
