/** Row types of agent_events, heartbeats, heartbeat_runs, heartbeat_seq (both engines; integers as numbers). */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as the area's queries are ported
export interface EventTables {}
