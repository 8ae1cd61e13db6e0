/**
 * Every action of the console goes through the REST API, same origin, with the session cookie. Writes carry the
 * session's CSRF token header; a 401 sends the person back to the login page.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details: Array<{ field?: string; message?: string }> = [],
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function whenUnauthorized(handler: () => void): void {
  onUnauthorized = handler;
}

export async function api<T = unknown>(path: string, opts: { method?: string; body?: unknown; quiet401?: boolean } = {}): Promise<T> {
  const method = opts.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(`/api/v1${path}`, { method, headers, credentials: 'same-origin', ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const err = (json ?? {}) as { error?: string; details?: ApiError['details'] };
    if (res.status === 401 && !opts.quiet401) onUnauthorized?.();
    throw new ApiError(res.status, err.error ?? `HTTP ${res.status}`, err.details ?? []);
  }
  return json as T;
}

/** One error line with the fields the API named. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const details = error.details.map((d) => [d.field, d.message].filter(Boolean).join(': ')).filter(Boolean);
    return details.length ? `${error.message} (${details.join('; ')})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
