/**
 * Queues agent-side events (SNMP traps, ...) through the same ordered disk spool as results: each gets the
 * next seq and is published by the outbox (QoS 1, kept while the broker is unreachable).
 */
import { PROTOCOL_VERSION, type EventMessage } from '../../common/protocol.js';
import type { SeqAllocator } from '../seq.js';
import type { Spool } from '../spool.js';

export type AgentEvent = Pick<EventMessage, 'kind' | 'message'> & Partial<Pick<EventMessage, 'target' | 'check_id' | 'data' | 'observed_at_ms'>>;

export interface EventQueueDeps {
  agentId: string;
  spool: Pick<Spool, 'append'>;
  seq: Pick<SeqAllocator, 'next' | 'incarnation'>;
  now: () => number;
  /** Publishes what is spooled (the outbox's pump). */
  pump: () => void;
}

export function createEventQueue(deps: EventQueueDeps) {
  return (event: AgentEvent): number => {
    const seq = deps.seq.next();
    const message: Omit<EventMessage, 'sent_at_ms'> = { v: PROTOCOL_VERSION, agent_id: deps.agentId, seq, ...(deps.seq.incarnation ? { incarnation: deps.seq.incarnation } : {}), observed_at_ms: event.observed_at_ms ?? deps.now(), ...event };
    deps.spool.append({ seq, kind: 'events', message });
    deps.pump();
    return seq;
  };
}
