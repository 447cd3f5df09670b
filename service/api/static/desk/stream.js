// Making a brief: asks for a stream of server-sent events and takes JSON when the service answers
// with one. Streamed, the page shows the summary sentences at once and each segment as it is translated.
//
// The events are the service's (POST /v1/briefs, Accept: text/event-stream; /openapi.json names each
// event's schema under x-events): `summary` (title text, the chosen sentences), `title` (the headline
// as a translated unit, when there is one), one `segment` per sentence, `entities`, `meta`, then `done`
// ({segments, id when stored}) or `error` (a problem document). The brief built from them is the one
// the JSON answer carries.

import { api, ApiError, plainMessage } from "./api.js";

export const STREAM_ACCEPT = "text/event-stream, application/json;q=0.9";
const INCOMPLETE = "The service stopped sending the brief before it was complete. Try again.";
const BROKEN = "The connection to the service broke before the brief was complete. Try again.";

/** Server-sent events of a fetch response body: yields {event, data}. */
export async function* readEvents(response) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    buffer += decoder.decode(value || new Uint8Array(), { stream: !done });
    let cut;
    while ((cut = buffer.search(/\r?\n\r?\n/)) !== -1) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut).replace(/^\r?\n\r?\n/, "");
      let event = "message";
      const data = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith(":")) continue;
        const at = line.indexOf(":");
        const field = at === -1 ? line : line.slice(0, at);
        const text = at === -1 ? "" : line.slice(at + 1).replace(/^ /, "");
        if (field === "event") event = text;
        else if (field === "data") data.push(text);
      }
      if (data.length) yield { event, data: JSON.parse(data.join("\n")) };
    }
    if (done) return;
  }
}

// Per brief being built: the ids of the units (title, segments) whose translations have not come yet.
const awaited = new WeakMap();

/** An empty brief for ``body`` (the request), to fold events into. */
export function newBrief(body) {
  return { title: null, segments: [], entities: [], meta: { warnings: [], source_lang: "en",
                                                            target_langs: (body && body.target_langs) || [] } };
}

/** How far the brief has come: units translated and units in all (the title counts as one). */
export function streamProgress(brief) {
  const total = brief.segments.length + (brief.title ? 1 : 0);
  return { ready: total - (awaited.get(brief) || new Set()).size, total };
}

const unitAwaited = (id, en, sourceIndex) =>
  ({ id, source_index: sourceIndex, en, translations: {}, provenance: {}, status: {}, quality: {} });
const entityKey = (e) => [e.source, e.type, e.glossary || ""].join("\u0000");

/** A `title` or `segment` event's unit into the brief: its entities' mentions and its warnings too. */
function receiveUnit(brief, data) {
  const { entities, warnings, ...unit } = data;
  if (unit.id === "title") brief.title = unit;
  else {
    const at = brief.segments.findIndex((s) => s.id === unit.id);
    if (at === -1) brief.segments.push(unit); else brief.segments[at] = unit;
  }
  (awaited.get(brief) || new Set()).delete(unit.id);
  for (const entity of entities || []) {
    const known = brief.entities.find((e) => entityKey(e) === entityKey(entity));
    if (known) {
      known.mentions.push(...entity.mentions);
      known.renderings = { ...entity.renderings, ...known.renderings };
    } else brief.entities.push({ ...entity, renderings: { ...entity.renderings }, mentions: [...entity.mentions] });
  }
  brief.meta.warnings.push(...(warnings || []));
}

function startBrief(brief, data) {
  brief.title = data.title ? unitAwaited("title", data.title, null) : null;
  brief.segments = data.segments.map((s) => unitAwaited(s.id, s.en, s.source_index));
  brief.meta.source_lang = data.source_lang || "en";
  brief.meta.target_langs = data.target_langs || brief.meta.target_langs;
  awaited.set(brief, new Set([...(brief.title ? ["title"] : []), ...brief.segments.map((s) => s.id)]));
}

/** `done`: true when every unit the summary announced came (else the stream ended short). */
function finishBrief(brief, data) {
  const { ready, total } = streamProgress(brief);
  const done = data || {};
  if (!awaited.has(brief) || ready !== total ||
      (typeof done.segments === "number" && done.segments !== brief.segments.length)) {
    throw new ApiError(0, null, INCOMPLETE);
  }
  if (done.id) brief.id = done.id;
  return true;
}

function failBrief(brief, data) {
  const problem = data || {};
  throw new ApiError(problem.status || 500, problem, plainMessage(problem.status || 500, problem, null));
}

// What each of the service's events does to the brief being built.
const HANDLERS = {
  summary: startBrief,
  title: receiveUnit,
  segment: receiveUnit,
  entities: (brief, data) => { brief.entities = data.entities; },
  meta: (brief, data) => { brief.meta = data; },
  done: finishBrief,
  error: failBrief,
};
/** The events this page understands (the service's x-events). */
export const EVENTS = Object.keys(HANDLERS);

/** Fold one event into the brief being built; true when the brief is complete. An `error` event, or a
 * `done` before every unit came, throws an ApiError with a message for people. An event this page does
 * not know yet is ignored. */
export function applyEvent(brief, { event, data }) {
  const handle = Object.hasOwn(HANDLERS, event) ? HANDLERS[event] : null;
  return Boolean(handle && handle(brief, data));
}

/** POST /v1/briefs; ``onPartial(brief, {ready, total})`` sees the brief grow while the service streams it.
 * Resolves to the whole brief (with ``id`` when stored), streamed or as the JSON answer. */
export async function streamBrief(body, onPartial, { signal } = {}) {
  const response = await api("POST", "/v1/briefs", body, { accept: STREAM_ACCEPT, signal });
  const type = response.headers.get("Content-Type") || "";
  if (!type.startsWith("text/event-stream")) return response.json();
  const brief = newBrief(body);
  try {
    for await (const event of readEvents(response)) {
      if (applyEvent(brief, event)) return brief;
      if (["summary", "title", "segment"].includes(event.event)) onPartial(brief, streamProgress(brief));
    }
  } catch (e) {
    if (e instanceof ApiError || e.name === "AbortError") throw e;
    throw new ApiError(0, null, e instanceof SyntaxError ? INCOMPLETE : BROKEN);
  }
  throw new ApiError(0, null, INCOMPLETE);
}
