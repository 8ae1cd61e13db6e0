/**
 * Moves spooled messages to the broker in order: seq assigned at enqueue, appended to the spool, published
 * with QoS 1 while connected (a bounded window in flight), removed on PUBACK. Spool drops are reported
 * once connected and the backlog is delivered, as an `events` message of kind `spool_dropped`.
 */
import { PROTOCOL_VERSION, topics, type EventMessage, type ResultMessage } from '../common/protocol.js';
import type { Logger } from '../common/logger.js';
import type { Publisher } from './publisher.js';
import type { SeqAllocator } from './seq.js';
import type { Spool, SpoolEntry } from './spool.js';

export type UnsentResult = Omit<ResultMessage, 'seq' | 'sent_at_ms'>;

/** What the outbox needs of a spool (agent/spool.ts on disk; the fleet benchmark keeps one in memory). */
export type OutboxSpool = Pick<Spool, 'append' | 'nextBatch' | 'ack' | 'rewind' | 'inflightCount' | 'isDrained' | 'droppedUnreported' | 'confirmDropsReported'>;

export interface OutboxDeps {
  agentId: string;
  spool: OutboxSpool;
  seq: Pick<SeqAllocator, 'next' | 'incarnation'>;
  publisher: Pick<Publisher, 'connected' | 'publish'>;
  now: () => number;
  logger: Logger;
  /** Publishes in flight at once; PUBACKs release the window. */
  window?: number;
}

export function createOutbox(deps: OutboxDeps) {
  const log = deps.logger.child({ component: 'outbox' });
  const window = deps.window ?? 100;
  let reportingDrops = false;
  let published = 0;
  const drainWaiters = new Set<() => void>();

  function notifyIfDrained(): void {
    if (!deps.spool.isDrained()) return;
    for (const wake of drainWaiters) wake();
    drainWaiters.clear();
  }

  /**
   * Reported only once the backlog is delivered: the event's seq is then above every result already sent and
   * below every later one, so seq order holds across topics too.
   */
  function reportDrops(): void {
    const dropped = deps.spool.droppedUnreported();
    if (dropped === 0 || reportingDrops || !deps.spool.isDrained()) return;
    reportingDrops = true;
    const at = deps.now();
    const event: EventMessage = {
      v: PROTOCOL_VERSION,
      agent_id: deps.agentId,
      seq: deps.seq.next(),
      ...(deps.seq.incarnation ? { incarnation: deps.seq.incarnation } : {}),
      sent_at_ms: at,
      observed_at_ms: at,
      kind: 'spool_dropped',
      message: `${dropped} result(s) were dropped from the spool (spool.max_bytes or spool.max_age reached while the broker was unreachable)`,
      data: { dropped },
    };
    deps.publisher.publish(topics.events(deps.agentId), JSON.stringify(event), { qos: 1 }).then(
      () => {
        deps.spool.confirmDropsReported(dropped);
        reportingDrops = false;
      },
      (error: unknown) => {
        reportingDrops = false;
        log.warn({ err: error }, 'could not report spool drops; will retry');
      },
    );
  }

  function send(entry: SpoolEntry): void {
    const payload = JSON.stringify({ ...entry.message, sent_at_ms: deps.now() });
    deps.publisher.publish(`${topics[entry.kind](deps.agentId)}`, payload, { qos: 1 }).then(
      () => {
        published++;
        deps.spool.ack(entry.seq);
        pump();
        notifyIfDrained();
      },
      (error: unknown) => {
        // mqtt.js normally keeps QoS 1 publishes across reconnects; if it gave one up, resend from the oldest unacked
        log.warn({ err: error, seq: entry.seq }, 'publish failed; will resend from the oldest unacknowledged');
        deps.spool.rewind();
      },
    );
  }

  function pump(): void {
    if (!deps.publisher.connected()) return;
    const room = window - deps.spool.inflightCount();
    if (room > 0) for (const entry of deps.spool.nextBatch(room)) send(entry);
    reportDrops();
  }

  return {
    /** Assigns the next seq, spools the result (on disk before this returns) and publishes if connected. */
    enqueueResult(result: UnsentResult): number {
      const seq = deps.seq.next();
      deps.spool.append({ seq, kind: 'results', message: { ...result, seq, ...(deps.seq.incarnation ? { incarnation: deps.seq.incarnation } : {}) } });
      pump();
      return seq;
    },
    pump,
    /** Resolves true once everything spooled is acked, false after `timeoutMs`. */
    async flush(timeoutMs: number): Promise<boolean> {
      if (deps.spool.isDrained()) return true;
      let timer: NodeJS.Timeout | undefined;
      let wake!: () => void;
      const drained = new Promise<boolean>((resolve) => {
        wake = () => resolve(true);
        drainWaiters.add(wake);
      });
      const result = await Promise.race([drained, new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)))]);
      clearTimeout(timer);
      drainWaiters.delete(wake);
      return result;
    },
    stats: () => ({ published, inflight: deps.spool.inflightCount() }),
  };
}

export type Outbox = ReturnType<typeof createOutbox>;
