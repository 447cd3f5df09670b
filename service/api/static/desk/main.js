// Brief desk: the page's start, its key, its routes (/ and /briefs/{id}) and making a brief.

import { getJson, getKey, setKey } from "./api.js";
import { $, countChars, keysRequired } from "./dom.js";
import { overLimit, updateCounter, readFile, loadGlossaries, chosenGlossaries, loadRecent } from "./compose.js";
import { createReview } from "./review.js";
import { titleOf } from "./sections.js";
import { streamBrief } from "./stream.js";

const desk = { role: null, keyName: "", busy: false, ready: Promise.resolve() };
let review = null;

function say(text, isError) {
  const el = $("#status");
  el.textContent = text;
  el.classList.toggle("error", Boolean(isError));
}

const canWrite = () => desk.role === "editor" || desk.role === "admin";

/** 401/403: open the key box and say why there. */
function onKeyProblem(error) {
  if (!error || !error.aboutKey) return;
  const box = $("#key-box");
  box.open = true;
  $("#key-status").textContent = error.message;
  $("#api-key").focus();
}

// -- who is asking ---------------------------------------------------------------------------------

async function identify() {
  desk.role = null;
  if (getKey()) {
    try {
      const usage = await getJson("/v1/usage");
      desk.role = usage.role || "editor";
      desk.keyName = usage.name || usage.key_id;
    } catch (e) {
      say(e.message, true);
      onKeyProblem(e);
    }
  } else if (!keysRequired()) {
    desk.role = "admin";  // single-user mode: no keys on this service
  } else {
    $("#key-box").open = true;
    $("#key-status").textContent = "This service needs an API key. Enter yours here.";
  }
  applyRole();
}

function applyRole() {
  const store = $("#store");
  const note = $("#store-note");
  const who = $("#who");
  if (desk.role === "reader") {
    store.checked = false;
    store.disabled = true;
    note.textContent = "Your key is a reader key: briefs are made without storing them and are view-only.";
  } else {
    store.disabled = false;
    note.textContent = "Stored briefs get a link, can be edited and confirmed, and show in the list.";
  }
  who.textContent = desk.role && getKey() ? `Key ${desk.keyName} · ${desk.role}` : "";
}

async function refreshLists() {
  try { await loadGlossaries(); } catch (e) { $("#glossary-note").textContent = e.message; onKeyProblem(e); }
  try { await loadRecent(); } catch (e) { $("#recent-note").textContent = e.message; }
}

// -- briefs ----------------------------------------------------------------------------------------

function titleFor(brief) {
  const title = titleOf(brief).en;
  document.title = (title ? title + " · " : "") + "Brief desk";
}

async function openStored(id) {
  say("Opening the brief…");
  try {
    const stored = await getJson("/v1/briefs/" + encodeURIComponent(id));
    review.show(stored, { id: stored.id, version: stored.version, history: stored.history || [], editable: canWrite() });
    titleFor(stored);
    $("#compose-box").open = false;
    say("");
  } catch (e) {
    say(e.message, true);
    onKeyProblem(e);
  }
}

function route() {
  const match = /^\/briefs\/([^/]+)$/.exec(location.pathname);
  if (match) openStored(decodeURIComponent(match[1]));
}

function busy(on) {
  desk.busy = on;
  const button = $("#make-brief");
  button.disabled = on;
  button.textContent = on ? "Making brief…" : "Make brief";
  $("#brief-form").setAttribute("aria-busy", on ? "true" : "false");
  $("#brief").setAttribute("aria-busy", on ? "true" : "false");
}

function refuse(message) {
  say(message, true);
  review.markStale(message);
}

async function makeBrief(event) {
  event.preventDefault();
  if (desk.busy) return;
  const form = event.target;
  const text = form.text.value;
  if (!text.trim()) { refuse("Paste an article or choose a text file first."); form.text.focus(); return; }
  const tooLong = overLimit(text);
  if (tooLong) { refuse(tooLong); form.text.focus(); return; }
  const targets = [...form.querySelectorAll("input[name=target_langs]:checked")].map((i) => i.value);
  if (!targets.length) { refuse("Choose at least one target language."); return; }
  busy(true);
  say(`Making the brief of ${countChars(text).toLocaleString("en-US")} characters…`);
  try {
    await desk.ready;  // who the key is decides storing and editing
    const store = $("#store").checked && desk.role !== "reader";
    const body = { text, target_langs: targets, sentences: Number(form.sentences.value) || undefined,
                   glossaries: chosenGlossaries(), store, include: ["entities", "meta"] };
    const brief = await streamBrief(body, (partial) => review.show(partial, { editable: false }));
    review.clearStale();
    if (brief.id) {
      history.pushState({ id: brief.id }, "", "/briefs/" + encodeURIComponent(brief.id));
      review.show(brief, { id: brief.id, version: brief.version || 1, history: brief.history || [], editable: canWrite() });
    } else {
      if (location.pathname !== "/") history.pushState({}, "", "/");
      review.show(brief, { editable: false });
    }
    titleFor(brief);
    $("#compose-box").open = false;
    say(brief.id ? "Brief ready and stored." : "Brief ready (not stored: view-only).");
    $("#brief").focus();
    if (brief.id) loadRecent().catch(() => {});
  } catch (e) {
    refuse(e.message);
    onKeyProblem(e);
  } finally {
    busy(false);
  }
}

// -- start -----------------------------------------------------------------------------------------

function start() {
  review = createReview($("#brief"), {
    say, onKeyProblem, canWrite,
    afterChange: (stored) => { titleFor(stored); loadRecent().catch(() => {}); },
    glossariesChanged: () => loadGlossaries().catch(() => {}),
  });
  const keyInput = $("#api-key");
  keyInput.value = getKey();
  $("#key-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    setKey(keyInput.value.trim());
    $("#key-status").textContent = "Key set for this session.";
    desk.ready = identify();
    await desk.ready;
    await refreshLists();
    route();
  });
  $("#forget-key").addEventListener("click", () => {
    setKey("");
    keyInput.value = "";
    $("#key-status").textContent = "Key forgotten.";
    identify();
  });
  $("#key-box").addEventListener("keydown", (e) => {
    if (e.key === "Escape") { $("#key-box").open = false; $("#key-box summary").focus(); }
  });
  const article = $("#article");
  article.addEventListener("input", updateCounter);
  article.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); $("#brief-form").requestSubmit(); }
  });
  $("#article-file").addEventListener("change", async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    if (await readFile(file, refuse)) say(`Loaded ${file.name}.`);
    else e.target.value = "";
  });
  $("#brief-form").addEventListener("submit", makeBrief);
  window.addEventListener("popstate", () => {
    if (/^\/briefs\//.test(location.pathname)) route();
    else { $("#compose-box").open = true; }
  });
  updateCounter();
  const opened = location.pathname;
  desk.ready = identify();
  desk.ready.then(refreshLists).then(() => {
    if (location.pathname === opened && !review.state.brief) route();  // unless a brief was made meanwhile
  });
}

start();
