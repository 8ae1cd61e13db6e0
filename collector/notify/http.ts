/**
 * One JSON POST with a per-attempt timeout, shared by the HTTP channels. Classifies failures for the retry logic:
 * network errors, timeouts, HTTP 429 and 5xx are retryable; other HTTP errors are not. Error messages name the host
 * only — robot URLs carry their access token in the path or query.
 */
import { DeliveryError, type FetchLike } from './types.js';

export interface PostJsonRequest {
  fetch: FetchLike;
  url: string;
  body: string;
  headers?: Record<string, string>;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface PostJsonResponse {
  status: number;
  /** Parsed JSON body, or undefined when the body is empty or not JSON. */
  json: unknown;
  text: string;
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

export async function postJson(req: PostJsonRequest): Promise<PostJsonResponse> {
  const host = new URL(req.url).host;
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout;
  let response: Response;
  let text: string;
  try {
    response = await req.fetch(req.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...req.headers },
      body: req.body,
      signal,
    });
    text = await response.text();
  } catch (error) {
    if (req.signal?.aborted) throw new DeliveryError(`request to ${host} aborted (shutdown)`, false);
    if (timeout.aborted) throw new DeliveryError(`request to ${host} timed out after ${req.timeoutMs} ms`, true);
    throw new DeliveryError(`request to ${host} failed: ${describeNetworkError(error)}`, true);
  }
  if (response.status < 200 || response.status > 299) {
    const retryable = response.status === 429 || response.status >= 500;
    throw new DeliveryError(`${host} answered HTTP ${response.status}: ${text.slice(0, 200)}`, retryable);
  }
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text };
}

/**
 * Reads a robot API's `{errcode|code|StatusCode, errmsg|msg|StatusMessage}` answer (they reply HTTP 200 even on
 * failure). Returns null when the code says success.
 */
export function vendorError(json: unknown, codeKeys: string[], messageKeys: string[]): { code: number | string; message: string } | null {
  if (!json || typeof json !== 'object') return { code: 'no-json', message: 'answer is not a JSON object' };
  const record = json as Record<string, unknown>;
  const codeKey = codeKeys.find((key) => key in record);
  if (codeKey === undefined) return { code: 'no-code', message: `answer has no ${codeKeys.join('/')} field` };
  const code = record[codeKey];
  if (code === 0 || code === '0') return null;
  const messageKey = messageKeys.find((key) => typeof record[key] === 'string');
  const message = messageKey ? String(record[messageKey]) : '';
  return { code: typeof code === 'number' || typeof code === 'string' ? code : JSON.stringify(code), message };
}
