/** The channel contract shared by every notification channel (one file per channel type). */
import type { Logger } from '../../common/logger.js';
import type { IncidentNotice } from '../events.js';

/** A file attached to an email (reports attach PDFs); IM and webhook channels ignore attachments. */
export interface NoticeAttachment {
  filename: string;
  content: Buffer | string;
  contentType?: string;
}

/** A notice rendered once, in the configured language, in every format a channel may need. */
export interface RenderedNotice {
  /** One line, e.g. `【P1 紧急】INC-20261121-0007 已创建 — web-01 ping: 100% packet loss`. */
  title: string;
  markdown: string;
  text: string;
  html: string;
  /** The incident notice this was rendered from; absent for messages that are not about one incident (reports). */
  notice?: IncidentNotice;
  attachments?: NoticeAttachment[];
  /** The labelled facts the markdown lists (severity, status, target, …), for cards that lay them out themselves. */
  fields?: Array<{ label: string; value: string }>;
  /** The language it was rendered in (channels' own words, e.g. a card button). */
  lang?: 'zh-CN' | 'en';
}

export type FetchLike = typeof fetch;

export interface ChannelDeps {
  /** Defaults to the global fetch (undici). */
  fetch?: FetchLike;
  logger: Logger;
  /** Clock used for signature timestamps. */
  now: () => number;
}

export interface SendOptions {
  /** Aborts an in-flight delivery (dispatcher shutdown deadline). */
  signal?: AbortSignal;
}

export interface Channel {
  name: string;
  type: string;
  /** Resolves once the receiver accepted the message; throws a DeliveryError otherwise. */
  send(message: RenderedNotice, opts?: SendOptions): Promise<void>;
  /** Releases connections (email transport); optional. */
  close?(): void;
}

/**
 * A failed delivery. `retryable` is false when repeating the same request cannot succeed (bad signature, bad
 * token, HTTP 4xx): the dispatcher then reports the failure at once instead of spending its retry budget.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}
