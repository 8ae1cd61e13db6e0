/**
 * The terms of the SLA policy an incident was opened under (JSON of the resolved policy: response and resolution
 * targets with their calendars, escalation chain per severity), so a config reload that changes the policy does not
 * re-time open incidents (docs/sla.md "Reloading contracts"). Null for incidents recorded before this version: their
 * terms are recorded the first time they are read after the upgrade.
 */
import type { Migration } from './index.js';

export const migration016IncidentSlaTerms: Migration = {
  version: 16,
  name: 'incident_sla_terms',
  up(db) {
    db.exec('ALTER TABLE incident_sla ADD COLUMN terms TEXT');
  },
};
