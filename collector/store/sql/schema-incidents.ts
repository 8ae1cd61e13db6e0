/** Row types of incidents, incident_events, incident_evaluations (both engines; integers as numbers). */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as the area's queries are ported
export interface IncidentTables {}
