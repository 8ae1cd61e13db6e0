/** Row types of incident_sla, incident_sla_fired, incident_pauses, incident_extensions, maintenance_windows (both engines; integers as numbers). */

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as the area's queries are ported
export interface SlaTables {}
