// The Fidelis HTTP API from the browser (docs/reference/http.md). A refusal becomes an ApiError
// carrying the problem+json's detail and the first error's pointer, so a page can say where and
// why.
export interface Credentials {
  key: string;
  memberToken?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code: string,
    readonly pointer: string,
  ) {
    super(message);
  }
}

interface Problem {
  detail?: string;
  title?: string;
  errors?: { pointer?: string; code?: string; message?: string }[];
}

export interface CallOptions {
  method?: string;
  body?: unknown;
  // A POST that must not happen twice (a redemption) carries one: a retry gets the kept answer.
  idempotencyKey?: string;
}

export async function call<T>(
  credentials: Credentials,
  path: string,
  options: CallOptions = {},
): Promise<T> {
  const headers: Record<string, string> = { Authorization: `Bearer ${credentials.key}` };
  if (credentials.memberToken) headers["X-Member-Token"] = credentials.memberToken;
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  if (options.idempotencyKey) headers["Idempotency-Key"] = options.idempotencyKey;
  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? "GET",
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (error) {
    throw new ApiError(0, `the server did not answer (${String(error)})`, "network", "");
  }
  const text = await response.text();
  if (!response.ok) {
    let problem: Problem = {};
    try {
      problem = JSON.parse(text) as Problem;
    } catch {
      problem = { detail: text || response.statusText };
    }
    const first = problem.errors?.[0];
    throw new ApiError(
      response.status,
      problem.detail || first?.message || problem.title || `HTTP ${response.status}`,
      first?.code ?? "",
      first?.pointer ?? "",
    );
  }
  const type = response.headers.get("content-type") ?? "";
  return (type.includes("json") ? JSON.parse(text) : text) as T;
}

// A fresh Idempotency-Key (random, so two clicks are two requests and a retry is the same one).
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
