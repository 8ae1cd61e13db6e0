/**
 * The notification dispatcher: the incidents service calls `notify(notice)`, which completes the notice (`enrich`: its
 * finding and due times, store reads — awaited one notice at a time, so notices keep the order they came in), renders
 * it once, picks the channels (routing.ts) and queues one delivery per channel (channel-queue.ts). `notify` never blocks or throws:
 * a failing channel never holds up ingest. Every final outcome — delivered, failed after retries, refused because the
 * queue is full, unknown channel, dropped at shutdown — is reported through `onDelivery` so it lands on the ticket
 * timeline, and failures also through `onFailure` (metrics). A caller that must know when a notice is done (the SLA
 * scheduler's outbox) passes `settled`: called once, when every channel the notice was routed to has its outcome.
 */
import type { Logger } from '../../common/logger.js';
import type { IncidentNotice, IncidentNoticeKind, NoticeOutcome, NoticeSettled } from '../events.js';
import { createChannels } from './channels.js';
import { SYSTEM_TIMERS, type Timers } from '../../common/timers.js';
import { createChannelQueue, type AttemptOutcome, type ChannelQueue, type QueuedDelivery } from './channel-queue.js';
import type { NotifyConfig } from './config.js';
import { renderNotice } from './render.js';
import { selectChannels } from './routing.js';
import type { Channel, FetchLike, RenderedNotice } from './types.js';

export interface DeliveryResult {
  /** 0 for a report. */
  incidentId: number;
  /** The incident number, or the report's name. */
  number: string;
  channel: string;
  kind: IncidentNoticeKind | 'report';
  ok: boolean;
  /** Requests made (0 when the delivery was refused before any attempt). */
  attempts: number;
  error?: string;
  /** When the outcome was known (dispatcher clock). */
  atMs: number;
  /** Not the message's final outcome: dropped at shutdown or refused while stopping (what was owed stays owed). */
  dropped?: boolean;
}

export interface DispatcherDeps {
  logger: Logger;
  now: () => number;
  /** Replaces the channels built from `cfg.channels` (tests, or a collector that builds them itself). */
  channels?: Iterable<Channel>;
  fetch?: FetchLike;
  timers?: Timers;
  onDelivery(result: DeliveryResult): void;
  /** Metrics hook, e.g. `(channel) => failures.inc({ channel })`. */
  onFailure?(channel: string, error: string): void;
  /** The zone people read times in (collector top-level `timezone`); default Asia/Shanghai. */
  timeZone?: string;
  /** Completes a notice before it is rendered (notice-context.ts); a failure sends the notice as it came. */
  enrich?(notice: IncidentNotice): Promise<IncidentNotice>;
}

export interface Dispatcher {
  /**
   * Queues the notice (never blocks, never throws). `settled`, when given, is called once with its outcome over every
   * channel it was routed to (at once when none was).
   */
  notify(notice: IncidentNotice, settled?: NoticeSettled): void;
  /**
   * Sends a message that is not about one incident (a generated report, its files attached) to the named channels,
   * through the same queues, retries and metrics; resolves with each channel's final outcome (never rejects).
   */
  deliver(message: RenderedNotice, channels: readonly string[], name: string): Promise<DeliveryResult[]>;
  /** Deliveries waiting or in flight, over all channels. */
  pending(): number;
  channelNames(): string[];
  /**
   * Stops accepting notices, retries what is queued without further backoff waits, and after `deadlineMs` aborts
   * what is left (reported as failed). Closes the channels.
   */
  stop(opts?: { deadlineMs?: number }): Promise<void>;
}

export const DEFAULT_STOP_DEADLINE_MS = 5_000;

export function createDispatcher(cfg: NotifyConfig, deps: DispatcherDeps): Dispatcher {
  const logger = deps.logger.child({ component: 'notify' });
  const timers = deps.timers ?? SYSTEM_TIMERS;
  const channelList = deps.channels
    ? [...deps.channels]
    : [...createChannels(cfg.channels, { fetch: deps.fetch, logger, now: deps.now }).values()];
  const channels = new Map(channelList.map((channel) => [channel.name, channel]));
  let stopped = false;

  type Subject = Pick<DeliveryResult, 'incidentId' | 'number' | 'kind'>;
  const subjectOf = (notice: IncidentNotice): Subject => ({ incidentId: notice.incident.id, number: notice.incident.number, kind: notice.kind });
  // Deliveries waiting for their outcome, by queue item.
  const waiters = new Map<object, (result: DeliveryResult) => void>();

  function report(subject: Subject, channel: string, ok: boolean, attempts: number, error?: string, dropped = false): DeliveryResult {
    const result: DeliveryResult = {
      ...subject,
      channel,
      ok,
      attempts,
      atMs: deps.now(),
      ...(error === undefined ? {} : { error }),
      ...(dropped ? { dropped } : {}),
    };
    const log = logger.child({ channel, [subject.kind === 'report' ? 'report' : 'incident']: subject.number, kind: subject.kind });
    if (ok) log.info({ attempts }, 'notification delivered');
    else log.warn({ attempts, error }, 'notification failed');
    try {
      deps.onDelivery(result);
    } catch (err) {
      logger.error({ err }, 'onDelivery handler threw');
    }
    if (!ok) {
      try {
        deps.onFailure?.(channel, error ?? 'unknown error');
      } catch (err) {
        logger.error({ err }, 'onFailure handler threw');
      }
    }
    return result;
  }

  const queues = new Map<string, ChannelQueue>();
  for (const channel of channels.values()) {
    queues.set(
      channel.name,
      createChannelQueue({
        channel,
        retry: cfg.retry,
        capacity: cfg.queue_size,
        logger: logger.child({ channel: channel.name }),
        timers,
        settle: (outcome: AttemptOutcome) => {
          const { item } = outcome;
          const subject: Subject = item.notice ? subjectOf(item.notice) : { incidentId: 0, number: item.report ?? 'report', kind: 'report' };
          const result = report(subject, channel.name, outcome.ok, outcome.attempts, outcome.error, outcome.aborted === true);
          waiters.get(item)?.(result);
          waiters.delete(item);
        },
      }),
    );
  }

  /** Queues one item on one channel; resolves with that channel's outcome (never rejects). */
  function route(subject: Subject, name: string, item: QueuedDelivery, accepted: boolean): Promise<DeliveryResult> {
    const queue = queues.get(name);
    if (!queue) return Promise.resolve(report(subject, name, false, 0, `unknown channel "${name}"`));
    if (!accepted) return Promise.resolve(report(subject, name, false, 0, 'dispatcher is stopping', true));
    const outcome = new Promise<DeliveryResult>((resolve) => waiters.set(item, resolve));
    if (!queue.push(item)) {
      waiters.delete(item);
      return Promise.resolve(report(subject, name, false, 0, `queue full (${cfg.queue_size} waiting)`));
    }
    return outcome;
  }

  /** `accepted`: notify was called before stop (its enrichment may finish after). Resolves with every channel's outcome. */
  function enqueue(notice: IncidentNotice, accepted: boolean): Promise<DeliveryResult[]> {
    const names = selectChannels(notice, cfg.routes);
    if (names.length === 0) {
      logger.debug({ incident: notice.incident.number, kind: notice.kind }, 'no route matches; not notifying');
      return Promise.resolve([]);
    }
    const message = renderNotice(notice, { lang: cfg.lang ?? 'zh-CN', ...(deps.timeZone ? { timeZone: deps.timeZone } : {}) });
    // One item per channel: each settles on its own.
    return Promise.all(names.map((name) => route(subjectOf(notice), name, { notice, message }, accepted)));
  }

  function dispatch(notice: IncidentNotice, accepted: boolean, settled: NoticeSettled | undefined): void {
    let results: Promise<DeliveryResult[]>;
    try {
      results = enqueue(notice, accepted);
    } catch (err) {
      // Rendering or routing bugs must not reach the incidents service. Sending it again would meet the same bug: final.
      logger.error({ err, incident: notice?.incident?.number }, 'could not dispatch notice');
      results = Promise.resolve([]);
    }
    if (settled) void results.then((list) => settleSafely(settled, outcomeOf(list)));
  }

  function settleSafely(settled: NoticeSettled, outcome: NoticeOutcome): void {
    try {
      settled(outcome);
    } catch (err) {
      logger.error({ err }, 'notice outcome handler threw');
    }
  }

  function outcomeOf(results: readonly DeliveryResult[]): NoticeOutcome {
    return { final: results.every((r) => r.dropped !== true), channels: results.map((r) => ({ channel: r.channel, ok: r.ok })) };
  }

  // Notices waiting for their enrichment, chained so they reach the queues in the order they came.
  let enriching: Promise<void> = Promise.resolve();

  return {
    notify(notice, settled) {
      const accepted = !stopped;
      const { enrich } = deps;
      if (!enrich) return dispatch(notice, accepted, settled);
      enriching = enriching.then(async () => {
        let complete = notice;
        try {
          complete = await enrich(notice);
        } catch (err) {
          logger.error({ err, incident: notice?.incident?.number }, 'could not complete notice (finding, due times); sending it as it came');
        }
        dispatch(complete, accepted, settled);
      });
    },
    deliver(message, names, name) {
      const subject: Subject = { incidentId: 0, number: name, kind: 'report' };
      return Promise.all(names.map((channel) => route(subject, channel, { message, report: name }, !stopped)));
    },
    pending: () => [...queues.values()].reduce((sum, q) => sum + q.size(), 0),
    channelNames: () => [...channels.keys()],
    async stop(opts = {}) {
      stopped = true;
      // Notices accepted before stop are queued once complete, then flushed with the rest.
      await enriching;
      const deadlineMs = opts.deadlineMs ?? DEFAULT_STOP_DEADLINE_MS;
      for (const queue of queues.values()) queue.flush();
      let handle: unknown;
      const deadline = new Promise<'deadline'>((resolve) => {
        handle = timers.setTimeout(() => resolve('deadline'), deadlineMs);
      });
      const drained = Promise.all([...queues.values()].map((q) => q.idle())).then(() => 'drained' as const);
      const outcome = await Promise.race([drained, deadline]);
      timers.clearTimeout(handle);
      if (outcome === 'deadline') {
        logger.warn({ pending: [...queues.values()].reduce((sum, q) => sum + q.size(), 0) }, 'notification flush deadline reached');
        for (const queue of queues.values()) queue.abort(`dropped at shutdown (flush deadline ${deadlineMs} ms)`);
        await drained;
      }
      for (const channel of channels.values()) channel.close?.();
    },
  };
}
