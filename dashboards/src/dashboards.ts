/**
 * The five Outpost dashboards. Queries use the schema in docs/influx.md; availability panels use the API's
 * formula over the per-minute buckets, so for a minute-aligned range they show what GET /api/v1/availability says.
 */
import type { Dashboard } from '@grafana/schema';
import { ALLOWED_DOWNTIME_S, AVAILABILITY_FILTER, AVAILABILITY_PERCENT, AVAILABILITY_THRESHOLDS, HOST_FILTER, VARIABLES, dashboard, type PanelSpec } from './model.js';

const A = '"outpost_availability"';
const STAT_OPTIONS = { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'background', textMode: 'value_and_name' };
const BAR_OPTIONS = { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, displayMode: 'basic', orientation: 'horizontal' };

/** Availability in percent per `groupBy` tag: the API's formula over the buckets, thresholds at 98 / 99.9. */
const availabilityStat = (title: string, groupBy: 'target' | 'contract', w: number, description?: string): PanelSpec => ({
  type: 'stat',
  title,
  ...(description ? { description } : {}),
  w,
  h: 6,
  unit: 'percent',
  decimals: 3,
  thresholds: AVAILABILITY_THRESHOLDS,
  queries: [{ query: `SELECT ${AVAILABILITY_PERCENT} FROM ${A} WHERE ${AVAILABILITY_FILTER} AND $timeFilter GROUP BY "${groupBy}"`, alias: `$tag_${groupBy}` }],
  options: STAT_OPTIONS,
});

/**
 * Share of the clocks with an outcome (met or breached; running, paused and deferred ones are not written) that were
 * met, per severity, for the incidents opened in the range (the points carry the opening instant, as the SLA summary
 * attributes incidents to the month they opened). The threshold is the contract's `compliance_target` (query B, turned
 * into the threshold by the configFromData transformation); a contract without a goal draws none.
 */
const complianceBars = (title: string, field: 'response_met' | 'resolution_met'): PanelSpec => ({
  type: 'bargauge',
  title,
  w: 12,
  h: 6,
  unit: 'percent',
  min: 0,
  max: 100,
  thresholds: [{ color: 'green', value: null }],
  queries: [
    { query: `SELECT mean("${field}") * 100 FROM "outpost_incident_sla" WHERE "contract" =~ /^$contract$/ AND $timeFilter GROUP BY "severity"`, alias: '$tag_severity' },
    { query: `SELECT last("compliance_target") AS "goal" FROM "outpost_incident_sla" WHERE "contract" =~ /^$contract$/ AND $timeFilter`, alias: 'goal' },
  ],
  options: BAR_OPTIONS,
  transformations: [
    { id: 'configFromData', options: { configRefId: 'B', mappings: [{ fieldName: 'goal', handlerKey: 'threshold1', handlerArguments: { threshold: { color: 'red' } } }], applyTo: { id: 'byFrameRefID', options: 'A' } } },
  ],
});
const STATE_MAPPINGS = [
  {
    type: 'value' as never,
    options: {
      '0': { text: 'up', color: 'green', index: 0 },
      '1': { text: 'maintenance', color: 'blue', index: 1 },
      '2': { text: 'unknown', color: 'gray', index: 2 },
      '3': { text: 'down', color: 'red', index: 3 },
    },
  },
];
const allVars = [VARIABLES.contract, VARIABLES.group, VARIABLES.host];

export const overview = dashboard({
  uid: 'outpost-overview',
  title: 'Outpost — Overview',
  description: 'Availability per target and contract against its target, open incidents by severity, agents online.',
  variables: allVars,
  panels: [
    availabilityStat('Availability per target', 'target', 12, 'sum(up) / (scheduled − maintenance − unknown) over the selected range (minute-aligned): the API formula.'),
    availabilityStat('Availability per contract', 'contract', 12),
    {
      type: 'stat',
      title: 'Open incidents by severity',
      w: 12,
      h: 5,
      thresholds: [
        { color: 'green', value: null },
        { color: 'red', value: 1 },
      ],
      queries: [{ query: `SELECT last("open") FROM "outpost_incidents_open" WHERE $timeFilter GROUP BY "severity"`, alias: '$tag_severity' }],
      options: STAT_OPTIONS,
    },
    {
      type: 'stat',
      title: 'Agents online / offline',
      w: 12,
      h: 5,
      queries: [{ query: `SELECT last("online") AS "online", last("offline") AS "offline" FROM "outpost_agents" WHERE $timeFilter` }],
      options: { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, textMode: 'value_and_name' },
    },
    {
      type: 'timeseries',
      title: 'Availability over time',
      w: 24,
      h: 8,
      unit: 'percent',
      max: 100,
      thresholds: AVAILABILITY_THRESHOLDS,
      queries: [{ query: `SELECT ${AVAILABILITY_PERCENT} FROM ${A} WHERE ${AVAILABILITY_FILTER} AND $timeFilter GROUP BY time($__interval), "target" fill(none)`, alias: '$tag_target' }],
      options: { legend: { displayMode: 'table', placement: 'right', calcs: ['mean', 'min'] } },
    },
  ],
});

export const sla = dashboard({
  uid: 'outpost-sla',
  title: 'Outpost — SLA',
  description: 'Month to date: availability, downtime used vs allowed, error budget, state timeline, response/resolution compliance.',
  time: { from: 'now/M', to: 'now' },
  variables: allVars,
  panels: [
    availabilityStat('Availability (month to date)', 'target', 8),
    {
      type: 'bargauge',
      title: 'Downtime used vs allowed',
      w: 8,
      h: 6,
      unit: 's',
      queries: [
        { query: `SELECT sum("down_s") AS "used" FROM ${A} WHERE ${AVAILABILITY_FILTER} AND $timeFilter GROUP BY "target"`, alias: '$tag_target used' },
        { query: `SELECT ${ALLOWED_DOWNTIME_S} AS "allowed" FROM ${A} WHERE ${AVAILABILITY_FILTER} AND $timeFilter GROUP BY "target"`, alias: '$tag_target allowed' },
      ],
      options: BAR_OPTIONS,
    },
    {
      type: 'stat',
      title: 'Error budget left',
      description: '(allowed downtime − downtime) / allowed downtime; negative when overspent.',
      w: 8,
      h: 6,
      unit: 'percent',
      decimals: 1,
      thresholds: [
        { color: 'red', value: null },
        { color: 'orange', value: 0 },
        { color: 'green', value: 25 },
      ],
      queries: [{ query: `SELECT (${ALLOWED_DOWNTIME_S} - sum("down_s")) / (${ALLOWED_DOWNTIME_S}) * 100 FROM ${A} WHERE ${AVAILABILITY_FILTER} AND $timeFilter GROUP BY "target"`, alias: '$tag_target' }],
      options: STAT_OPTIONS,
    },
    {
      type: 'state-timeline',
      title: 'State timeline (up / down / maintenance / unknown)',
      w: 24,
      h: 8,
      mappings: STATE_MAPPINGS,
      queries: [{ query: `SELECT max("state_code") FROM ${A} WHERE ${AVAILABILITY_FILTER} AND $timeFilter GROUP BY time($__interval), "target" fill(null)`, alias: '$tag_target' }],
      options: { showValue: 'never', mergeValues: true },
    },
    complianceBars('Response compliance by severity', 'response_met'),
    complianceBars('Resolution compliance by severity', 'resolution_met'),
  ],
});

const hostSeries = (title: string, unit: string, query: string, alias: string, max?: number) => ({
  type: 'timeseries' as const,
  title,
  w: 12,
  h: 8,
  unit,
  ...(max !== undefined ? { max, min: 0 } : {}),
  queries: [{ query, alias }],
  options: { legend: { displayMode: 'list', placement: 'bottom' } },
});

export const hosts = dashboard({
  uid: 'outpost-hosts',
  title: 'Outpost — Hosts',
  description: 'CPU, memory, disk and network per host (host check).',
  variables: [VARIABLES.host],
  panels: [
    hostSeries('CPU used', 'percent', `SELECT mean("cpu_used_percent") FROM "host" WHERE ${HOST_FILTER} AND "mount" = '' AND "interface" = '' AND $timeFilter GROUP BY time($__interval), "target" fill(null)`, '$tag_target', 100),
    hostSeries('Memory used', 'percent', `SELECT mean("memory_used_percent") FROM "host" WHERE ${HOST_FILTER} AND "mount" = '' AND "interface" = '' AND $timeFilter GROUP BY time($__interval), "target" fill(null)`, '$tag_target', 100),
    hostSeries('Disk used per mount', 'percent', `SELECT max("used_percent") FROM "host" WHERE ${HOST_FILTER} AND "mount" != '' AND $timeFilter GROUP BY time($__interval), "target", "mount" fill(null)`, '$tag_target $tag_mount', 100),
    hostSeries('Network per interface', 'Bps', `SELECT mean("rx_bytes_per_s") AS "rx", mean("tx_bytes_per_s") AS "tx" FROM "host" WHERE ${HOST_FILTER} AND "interface" != '' AND $timeFilter GROUP BY time($__interval), "target", "interface" fill(null)`, '$tag_target $tag_interface $col'),
    hostSeries('Load per core (5 min)', 'none', `SELECT mean("load5_per_core") FROM "host" WHERE ${HOST_FILTER} AND "mount" = '' AND "interface" = '' AND $timeFilter GROUP BY time($__interval), "target" fill(null)`, '$tag_target'),
    hostSeries('Ping round trip', 'ms', `SELECT mean("rtt_avg_ms") FROM "ping" WHERE ${HOST_FILTER} AND $timeFilter GROUP BY time($__interval), "target" fill(null)`, '$tag_target'),
  ],
});

export const network = dashboard({
  uid: 'outpost-network',
  title: 'Outpost — Network',
  description: 'SNMP interfaces of network devices: traffic, utilisation, errors and discards per interface.',
  variables: [VARIABLES.host],
  panels: [
    hostSeries('Traffic in', 'bps', `SELECT mean("in_bits_per_s") FROM "snmp" WHERE ${HOST_FILTER} AND "if_name" != '' AND $timeFilter GROUP BY time($__interval), "target", "if_name", "if_alias" fill(null)`, '$tag_target $tag_if_name $tag_if_alias'),
    hostSeries('Traffic out', 'bps', `SELECT mean("out_bits_per_s") FROM "snmp" WHERE ${HOST_FILTER} AND "if_name" != '' AND $timeFilter GROUP BY time($__interval), "target", "if_name", "if_alias" fill(null)`, '$tag_target $tag_if_name $tag_if_alias'),
    hostSeries('Utilisation', 'percent', `SELECT max("in_utilisation_percent") AS "in", max("out_utilisation_percent") AS "out" FROM "snmp" WHERE ${HOST_FILTER} AND "if_name" != '' AND $timeFilter GROUP BY time($__interval), "target", "if_name" fill(null)`, '$tag_target $tag_if_name $col', 100),
    hostSeries('Errors and discards', 'pps', `SELECT mean("in_errors_per_s") AS "in errors", mean("out_errors_per_s") AS "out errors", mean("in_discards_per_s") AS "in discards", mean("out_discards_per_s") AS "out discards" FROM "snmp" WHERE ${HOST_FILTER} AND "if_name" != '' AND $timeFilter GROUP BY time($__interval), "target", "if_name" fill(null)`, '$tag_target $tag_if_name $col'),
  ],
});

export const incidents = dashboard({
  uid: 'outpost-incidents',
  title: 'Outpost — Incidents',
  description: 'Incident events (opened, acknowledged, resolved…) and open incidents by severity.',
  time: { from: 'now-7d', to: 'now' },
  variables: [VARIABLES.host],
  panels: [
    {
      type: 'timeseries',
      title: 'Open incidents by severity',
      w: 24,
      h: 7,
      queries: [{ query: `SELECT last("open") FROM "outpost_incidents_open" WHERE $timeFilter GROUP BY time($__interval), "severity" fill(previous)`, alias: '$tag_severity' }],
      options: { legend: { displayMode: 'list', placement: 'bottom' } },
    },
    {
      type: 'table',
      title: 'Incident events',
      w: 24,
      h: 12,
      queries: [
        {
          query: `SELECT "number", "severity", "kind", "target", "title", "age_s" FROM "outpost_incident_event" WHERE ("target" =~ /^$host$/ OR "target" = '') AND $timeFilter ORDER BY time DESC LIMIT 500`,
          format: 'table',
        },
      ],
      options: { showHeader: true, sortBy: [{ displayName: 'Time', desc: true }] },
    },
    {
      type: 'stat',
      title: 'Events in range by kind',
      w: 24,
      h: 5,
      queries: [{ query: `SELECT sum("event") FROM "outpost_incident_event" WHERE $timeFilter GROUP BY "kind"`, alias: '$tag_kind' }],
      options: { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, textMode: 'value_and_name' },
    },
  ],
});

export const DASHBOARDS: Record<string, Dashboard> = { overview, sla, hosts, network, incidents };
