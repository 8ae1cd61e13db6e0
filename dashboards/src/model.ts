/**
 * Small builders for Grafana dashboard JSON, typed against @grafana/schema (Grafana 10–12 import this model;
 * schemaVersion 42). Every panel queries the provisioned InfluxDB datasource in InfluxQL (raw queries).
 */
import type { Dashboard, DataSourceRef, Panel, ValueMapping, VariableModel } from '@grafana/schema';

/** The uid deploy/grafana/provisioning/datasources/outpost.yaml gives the datasource. */
export const DATASOURCE_UID = 'outpost-influxdb';
export const DATASOURCE: DataSourceRef = { type: 'influxdb', uid: DATASOURCE_UID };
export const SCHEMA_VERSION = 42;

/** Filters shared by the availability queries: template variables as regexes (`All` = `.*`). */
export const AVAILABILITY_FILTER = `"contract" =~ /^$contract$/ AND "group" =~ /^$group$/ AND "target" =~ /^$host$/`;
export const HOST_FILTER = `"target" =~ /^$host$/`;

/** sum(up) / (sum(scheduled) − sum(maintenance) − sum(unknown)): the API's formula (unknown excluded, warn as up). */
export const AVAILABILITY_PERCENT = `sum("up_s") / (sum("scheduled_s") - sum("maintenance_s") - sum("unknown_s")) * 100`;
const MEASURED = `(sum("scheduled_s") - sum("maintenance_s") - sum("unknown_s"))`;
export const ALLOWED_DOWNTIME_S = `(100 - last("target_percent")) / 100 * ${MEASURED}`;

export interface QuerySpec {
  query: string;
  alias?: string;
  format?: 'time_series' | 'table';
}

export interface PanelSpec {
  type: 'stat' | 'timeseries' | 'state-timeline' | 'table' | 'bargauge' | 'gauge';
  title: string;
  description?: string;
  w: number;
  h: number;
  queries: QuerySpec[];
  unit?: string;
  decimals?: number;
  min?: number;
  max?: number;
  /** Ascending steps: the first has value null (base). */
  thresholds?: Array<{ color: string; value: number | null }>;
  mappings?: ValueMapping[];
  options?: Record<string, unknown>;
  /** Grafana transformations, e.g. `configFromData` (a query's value as the threshold). */
  transformations?: Array<{ id: string; options: Record<string, unknown> }>;
}

export const AVAILABILITY_THRESHOLDS = [
  { color: 'red', value: null },
  { color: 'orange', value: 98 },
  { color: 'green', value: 99.9 },
];

/** Lays panels out left to right in a 24-column grid and numbers them 1, 2, 3… */
export function layout(specs: readonly PanelSpec[]): Panel[] {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return specs.map((spec, i) => {
    if (x + spec.w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const panel: Panel = {
      id: i + 1,
      type: spec.type,
      title: spec.title,
      ...(spec.description ? { description: spec.description } : {}),
      datasource: DATASOURCE,
      gridPos: { x, y, w: spec.w, h: spec.h },
      targets: spec.queries.map((q, k) => ({
        refId: String.fromCharCode(65 + k),
        datasource: DATASOURCE,
        rawQuery: true,
        resultFormat: q.format ?? 'time_series',
        query: q.query,
        ...(q.alias ? { alias: q.alias } : {}),
      })),
      fieldConfig: {
        defaults: {
          ...(spec.unit ? { unit: spec.unit } : {}),
          ...(spec.decimals !== undefined ? { decimals: spec.decimals } : {}),
          ...(spec.min !== undefined ? { min: spec.min } : {}),
          ...(spec.max !== undefined ? { max: spec.max } : {}),
          ...(spec.thresholds ? { thresholds: { mode: 'absolute' as never, steps: spec.thresholds.map((s) => ({ color: s.color, value: s.value as number })) } } : {}),
          ...(spec.mappings ? { mappings: spec.mappings } : {}),
        },
        overrides: [],
      },
      options: spec.options ?? {},
      ...(spec.transformations ? { transformations: spec.transformations } : {}),
    };
    x += spec.w;
    rowHeight = Math.max(rowHeight, spec.h);
    return panel;
  });
}

function tagVariable(name: string, label: string, query: string): VariableModel {
  return {
    name,
    label,
    type: 'query',
    datasource: DATASOURCE,
    query,
    refresh: 1 as never,
    includeAll: true,
    multi: true,
    allValue: '.*',
    current: { text: 'All', value: '$__all' },
    sort: 1 as never,
  };
}

export const VARIABLES = {
  contract: tagVariable('contract', 'Contract', 'SHOW TAG VALUES FROM "outpost_availability" WITH KEY = "contract"'),
  group: tagVariable('group', 'Group', 'SHOW TAG VALUES FROM "outpost_availability" WITH KEY = "group"'),
  host: tagVariable('host', 'Host / target', 'SHOW TAG VALUES FROM "outpost_availability" WITH KEY = "target" WHERE "contract" =~ /^$contract$/'),
} as const;

export function dashboard(spec: { uid: string; title: string; description: string; time?: { from: string; to: string }; variables: VariableModel[]; panels: PanelSpec[] }): Dashboard {
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['outpost'],
    editable: true,
    graphTooltip: 1 as never,
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    refresh: '1m',
    timezone: 'browser',
    time: spec.time ?? { from: 'now-24h', to: 'now' },
    templating: { list: spec.variables },
    annotations: { list: [] },
    links: [],
    panels: layout(spec.panels),
  };
}
