// Making a brief: asks for a stream of server-sent events and takes JSON when the service answers
// with one. Streamed, the page shows the summary sentences at once and each segment as it is translated.

import { api } from "./api.js";

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
        const [field, ...rest] = line.split(":");
        const text = rest.join(":").replace(/^ /, "");
        if (field === "event") event = text;
        else if (field === "data") data.push(text);
      }
      if (data.length) yield { event, data: JSON.parse(data.join("\n")) };
    }
    if (done) return;
  }
}

const entityKey = (e) => [e.source, e.type, e.glossary || ""].join("\u0000");

/** Fold one event into the brief being built; returns true when the stream is complete. */
export function applyEvent(brief, { event, data }) {
  if (event === "summary") {
    brief.segments = data.segments.map((s) => ({ ...s, translations: {}, provenance: {}, status: {} }));
    brief.meta.source_lang = data.source_lang || "en";
    brief.meta.target_langs = data.target_langs || [];
    if (data.title) brief.title = data.title;
  } else if (event === "segment") {
    const { entities, warnings, ...segment } = data;
    const at = brief.segments.findIndex((s) => s.id === segment.id);
    if (at === -1) brief.segments.push(segment); else brief.segments[at] = segment;
    for (const entity of entities || []) {
      const known = brief.entities.find((e) => entityKey(e) === entityKey(entity));
      if (known) {
        known.mentions.push(...entity.mentions);
        known.renderings = { ...entity.renderings, ...known.renderings };
      } else brief.entities.push({ ...entity, mentions: [...entity.mentions] });
    }
    brief.meta.warnings.push(...(warnings || []));
  } else if (event === "entities") {
    brief.entities = data.entities;
  } else if (event === "meta") {
    brief.meta = data;
  } else if (event === "done") {
    if (data && data.brief) Object.assign(brief, data.brief);
    if (data && data.id) brief.id = data.id;
    return true;
  } else if (event === "error") {
    const error = new Error(data.detail || data.message || "The brief failed part-way.");
    error.problem = data;
    throw error;
  }
  return false;
}

/** POST /v1/briefs; ``onPartial(brief)`` sees the brief grow while the service streams it. */
export async function streamBrief(body, onPartial) {
  const response = await api("POST", "/v1/briefs", body,
                             { accept: "text/event-stream, application/json;q=0.9" });
  const type = response.headers.get("Content-Type") || "";
  if (!type.startsWith("text/event-stream")) return response.json();
  const brief = { segments: [], entities: [], meta: { warnings: [], target_langs: body.target_langs } };
  for await (const event of readEvents(response)) {
    if (applyEvent(brief, event)) return brief;
    if (event.event === "summary" || event.event === "segment") onPartial(brief);
  }
  throw new Error("The stream ended before the brief was complete. Try again.");
}
