/**
 * The dashboard JSON files are generated from dashboards/src (typed against @grafana/schema's Dashboard, so tsc
 * checks them) and must match what is committed (`UPDATE_DASHBOARDS=1` rewrites them). Structural checks: unique
 * panel ids, a gridPos inside the 24-column grid, the provisioned datasource uid everywhere, current schemaVersion,
 * template variables for contract/group/host, every target a raw InfluxQL query.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dashboard, Panel } from '@grafana/schema';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DASHBOARDS } from '../../../dashboards/src/dashboards.js';
import { DATASOURCE_UID, SCHEMA_VERSION } from '../../../dashboards/src/model.js';

const root = join(import.meta.dirname, '../../..');
const file = (name: string): string => join(root, 'dashboards', `${name}.json`);
const render = (d: Dashboard): string => `${JSON.stringify(d, null, 2)}\n`;

describe('dashboards', () => {
  it.each(Object.keys(DASHBOARDS))('%s.json is the generated dashboard', (name) => {
    const generated = render(DASHBOARDS[name] as Dashboard);
    if (process.env.UPDATE_DASHBOARDS === '1') writeFileSync(file(name), generated);
    expect(readFileSync(file(name), 'utf8')).toBe(generated);
  });

  it.each(Object.keys(DASHBOARDS))('%s is structurally sound', (name) => {
    const d = JSON.parse(readFileSync(file(name), 'utf8')) as Dashboard;
    expect(d.schemaVersion).toBe(SCHEMA_VERSION);
    expect(d.uid).toMatch(/^[a-z0-9-]{8,40}$/);
    const panels = (d.panels ?? []) as Panel[];
    expect(panels.length).toBeGreaterThan(0);
    expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
    for (const p of panels) {
      const g = p.gridPos;
      expect(g, p.title).toBeDefined();
      expect(g!.x + g!.w).toBeLessThanOrEqual(24);
      expect(g!.w).toBeGreaterThan(0);
      expect(g!.h).toBeGreaterThan(0);
      expect(p.datasource?.uid).toBe(DATASOURCE_UID);
      expect(p.targets?.length).toBeGreaterThan(0);
      for (const t of p.targets ?? []) {
        expect((t.datasource as { uid?: string } | undefined)?.uid).toBe(DATASOURCE_UID);
        expect(t.rawQuery).toBe(true);
        expect(String(t.query)).toMatch(/^(SELECT|SHOW) /);
        expect(String(t.query)).toContain('$timeFilter');
      }
    }
    // No two panels overlap.
    const cells = new Set<string>();
    for (const p of panels) {
      for (let x = p.gridPos!.x; x < p.gridPos!.x + p.gridPos!.w; x++)
        for (let y = p.gridPos!.y; y < p.gridPos!.y + p.gridPos!.h; y++) {
          expect(cells.has(`${x},${y}`), `${p.title} overlaps at ${x},${y}`).toBe(false);
          cells.add(`${x},${y}`);
        }
    }
    for (const v of d.templating?.list ?? []) expect(v.datasource?.uid).toBe(DATASOURCE_UID);
  });

  it('overview and SLA offer contract, group and host variables; availability thresholds at 98 and 99.9', () => {
    for (const d of [DASHBOARDS.overview, DASHBOARDS.sla] as Dashboard[]) {
      expect(d.templating?.list?.map((v) => v.name)).toEqual(['contract', 'group', 'host']);
      const first = d.panels?.[0] as Panel;
      expect(first.fieldConfig?.defaults.thresholds?.steps.map((s) => s.value)).toEqual([null, 98, 99.9]);
    }
  });

  it('the provisioned datasource carries the uid every panel uses; the dashboard provider points at the files', () => {
    const ds = parse(readFileSync(join(root, 'deploy/grafana/provisioning/datasources/outpost.yaml'), 'utf8')) as {
      datasources: Array<{ uid: string; type: string; jsonData: { version?: string } }>;
    };
    expect(ds.datasources.map((d) => d.uid)).toContain(DATASOURCE_UID);
    for (const d of ds.datasources) expect(d.type).toBe('influxdb');
    const provider = parse(readFileSync(join(root, 'deploy/grafana/provisioning/dashboards/outpost.yaml'), 'utf8')) as {
      providers: Array<{ type: string; options: { path: string } }>;
    };
    expect(provider.providers[0]?.type).toBe('file');
    expect(provider.providers[0]?.options.path).toBe('/var/lib/grafana/dashboards/outpost');
  });
});
