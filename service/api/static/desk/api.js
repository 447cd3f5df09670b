// Calls to the /v1 API with the reviewer's key (sessionStorage, this tab only), and what their
// errors mean in plain words.

const KEY = "briefs.apiKey";

export const getKey = () => sessionStorage.getItem(KEY) || "";
export function setKey(value) {
  if (value) sessionStorage.setItem(KEY, value);
  else sessionStorage.removeItem(KEY);
}

/** An API error: HTTP status, the problem's code and field errors, and a message for people. */
export class ApiError extends Error {
  constructor(status, problem, message) {
    super(message);
    this.status = status;
    this.code = (problem && problem.code) || "";
    this.problem = problem || {};
  }
  /** 401 or 403: the key box should open. */
  get aboutKey() { return this.status === 401 || this.status === 403; }
}

export async function api(method, path, body, { accept, signal } = {}) {
  const headers = { Accept: accept || "application/json" };
  const key = getKey();
  if (key) headers.Authorization = "Bearer " + key;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, { method, headers, signal,
                                   body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    if (e.name === "AbortError") throw e;
    throw new ApiError(0, null, "The service cannot be reached. Check the connection and try again.");
  }
  if (!response.ok) {
    let problem = null;
    try { problem = await response.json(); } catch (e) { /* not problem+json */ }
    throw new ApiError(response.status, problem,
                       plainMessage(response.status, problem, response.headers.get("Retry-After")));
  }
  return response;
}

export const getJson = async (path) => (await api("GET", path)).json();

// Request fields in words a reviewer uses.
const FIELDS = {
  text: "the article", texts: "the articles", target_langs: "the target languages",
  sentences: "the number of sentences", glossaries: "the glossaries", lang: "the language",
};
const FIELD_HINTS = {
  target_langs: "Choose at least one target language.",
  text: "Paste an article or choose a text file first.",
};

/** What went wrong, for a reviewer: no field names, settings or header syntax. */
export function plainMessage(status, problem, retryAfter) {
  const code = (problem && problem.code) || "";
  const detail = (problem && problem.detail) || "";
  const wait = retryAfter ? ` Try again in ${retryAfter} seconds.` : " Try again shortly.";
  switch (code) {
    case "unauthorized":
      return /not valid|unknown|invalid/i.test(detail)
        ? "The service does not accept this API key. Check it in the API key box."
        : "This service needs an API key. Enter yours in the API key box.";
    case "forbidden":
      if (/revoked/i.test(detail)) return "This API key was revoked. Enter another in the API key box.";
      return "Your API key may not do this. Reader keys can make and read briefs, but not store, edit or " +
             "add to glossaries; ask for an editor key.";
    case "empty-text": return "The article is empty. Paste some text first.";
    case "text-too-long": return "The article is too long for this service. " + detail.replace(/\(limits\.\w+\)/, "").trim();
    case "brief-not-found":
      return "This brief is not stored here: it may have been deleted, or belong to another team.";
    case "glossary-not-found": return "A chosen glossary no longer exists. Reload the list and choose again.";
    case "quota-exceeded": return "This key has used up its characters for today." + wait;
    case "rate-limited": return "Too many requests in a short time." + wait;
    case "deadline-exceeded":
      return "Making the brief took too long. Try fewer sentences or a shorter article.";
    case "overloaded": return "The service is busy right now." + wait;
    case "store-unavailable": return "The service's store is unavailable right now." + wait;
    case "model-missing": case "model-corrupt": case "unsupported-pair":
      return "The service has no working translation model for one of these languages. Tell its operator.";
    case "body-too-large": return "What you sent is larger than the service accepts.";
    default: break;
  }
  if (status === 422 && problem && Array.isArray(problem.errors) && problem.errors.length) {
    const parts = problem.errors.map((e) => FIELD_HINTS[e.field] ||
      `${capital(FIELDS[e.field] || "the request")}: ${e.message.replace(/\s*\(limits\.\w+\)/, "")}.`);
    return [...new Set(parts)].join(" ");
  }
  if (status === 401) return "This service needs an API key. Enter yours in the API key box.";
  if (status === 403) return "Your API key may not do this.";
  if (status === 429) return "Too many requests." + wait;
  if (status >= 500) {
    return status === 503 ? "The service is unavailable right now." + wait
      : "Something went wrong on the server. Try again; if it keeps happening, tell its operator.";
  }
  return detail ? capital(detail.replace(/\s*\(limits\.\w+\)/, "")) + "." : `The request failed (${status}).`;
}

const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);
