// Brief desk: calls the API with the reviewer's key (kept in sessionStorage), shows server-rendered views.
"use strict";
(function () {
  const KEY = "briefs.apiKey";
  const $ = (sel, root) => (root || document).querySelector(sel);
  const status = (text, isError) => {
    const el = $("#status");
    el.textContent = text;
    el.classList.toggle("error", Boolean(isError));
  };
  let briefId = null;

  async function api(method, path, body, accept) {
    const headers = { Accept: accept || "application/json" };
    const key = sessionStorage.getItem(KEY);
    if (key) headers.Authorization = "Bearer " + key;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!response.ok) {
      let detail = response.status + " " + response.statusText;
      try { detail = (await response.json()).detail || detail; } catch (e) { /* not problem+json */ }
      const error = new Error(detail);
      error.status = response.status;
      throw error;
    }
    return response;
  }

  async function loadGlossaries() {
    try {
      const data = await (await api("GET", "/v1/glossaries")).json();
      const select = $("#glossaries");
      select.replaceChildren(...data.glossaries.filter((g) => g.name !== "default").map((g) => new Option(g.name, g.name)));
    } catch (e) { status("Glossaries: " + e.message, true); }
  }

  async function showBrief(id) {
    briefId = id;
    const html = await (await api("GET", "/v1/briefs/" + encodeURIComponent(id) + "/view", undefined, "text/html")).text();
    const target = $("#brief");
    target.innerHTML = html;  // server-rendered and autoescaped by Jinja
  }

  async function makeBrief(event) {
    event.preventDefault();
    const form = event.target;
    const body = {
      text: form.text.value,
      target_langs: [...form.querySelectorAll("input[name=target_langs]:checked")].map((i) => i.value),
      sentences: Number(form.sentences.value) || undefined,
      glossaries: [...form.glossaries.selectedOptions].map((o) => o.value),
      store: true,
      include: ["entities", "meta"],
    };
    status("Making the brief…");
    try {
      const brief = await (await api("POST", "/v1/briefs", body)).json();
      await showBrief(brief.id);
      status("Brief ready.");
      $("#brief").focus();
    } catch (e) { status(e.message, true); }
  }

  async function saveEdit(form) {
    status("Saving…");
    try {
      await api("PATCH", `/v1/briefs/${encodeURIComponent(briefId)}/segments/${encodeURIComponent(form.dataset.segment)}`,
                { lang: form.dataset.lang, text: form.text.value });
      await showBrief(briefId);
      status("Saved.");
      const cell = document.querySelector(`#seg-${CSS.escape(form.dataset.segment)} td[data-lang="${CSS.escape(form.dataset.lang)}"] summary`);
      if (cell) cell.focus();
    } catch (e) { status(e.message, true); }
  }

  async function addToGlossary(form) {
    const renderings = {};
    for (const input of form.querySelectorAll("input[name^='r-']")) {
      if (input.value.trim()) renderings[input.name.slice(2)] = input.value.trim();
    }
    const entry = { source: form.source.value.trim(), renderings };
    const name = form.glossary.value.trim();
    try {
      try {
        await api("POST", `/v1/glossaries/${encodeURIComponent(name)}/entries`, { entries: [entry] });
      } catch (e) {
        if (e.status !== 404) throw e;
        await api("POST", "/v1/glossaries", { name, entries: [entry] });
      }
      status(`Added ${entry.source} to glossary ${name}.`);
      loadGlossaries();
    } catch (e) { status(e.message, true); }
  }

  async function download(format) {
    try {
      const response = await api("GET", `/v1/briefs/${encodeURIComponent(briefId)}?format=${format}`, undefined, "*/*");
      const match = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
      const link = document.createElement("a");
      link.href = URL.createObjectURL(await response.blob());
      link.download = match ? match[1] : "brief";
      document.body.append(link);
      link.click();
      link.remove();
      status("Downloaded " + link.download + ".");
    } catch (e) { status(e.message, true); }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const keyInput = $("#api-key");
    keyInput.value = sessionStorage.getItem(KEY) || "";
    $("#key-form").addEventListener("submit", (e) => {
      e.preventDefault();
      sessionStorage.setItem(KEY, keyInput.value.trim());
      status("Key set for this session.");
      loadGlossaries();
    });
    $("#forget-key").addEventListener("click", () => { sessionStorage.removeItem(KEY); keyInput.value = ""; });
    $("#article-file").addEventListener("change", async (e) => {
      const file = e.target.files[0];
      if (file) $("#article").value = await file.text();
    });
    $("#brief-form").addEventListener("submit", makeBrief);
    const brief = $("#brief");
    brief.addEventListener("submit", (e) => {
      e.preventDefault();
      if (e.target.matches(".edit-form")) saveEdit(e.target);
      else if (e.target.id === "glossary-form") addToGlossary(e.target);
    });
    brief.addEventListener("click", (e) => {
      const button = e.target.closest("button");
      if (!button) return;
      if (button.dataset.format) download(button.dataset.format);
      if (button.id === "use-selection") {
        const text = String(window.getSelection() || "").trim();
        if (text) $("#g-source").value = text;
      }
    });
    // Keep the selection for "Use selected text": the button takes focus on mousedown otherwise.
    brief.addEventListener("mousedown", (e) => { if (e.target.id === "use-selection") e.preventDefault(); });
    loadGlossaries();
  });
})();
