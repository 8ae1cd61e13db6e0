/**
 * The asset verification report (资产核查, seed 000: twice a year) as JSON: every agent's current inventory compared
 * with the last verified baseline — hosts added or gone, and per host what changed (CPU, memory, disks, OS,
 * addresses, hardware, host name). An agent not heard from for GONE_AFTER_MS counts as gone (agents are never
 * deleted). Pure comparison; `--mark-verified` then stores now as the new baseline.
 */
import type { InventoryMessage } from '../../common/protocol.js';
import { createAgentsRepo } from '../store/sql/agents-repo.js';
import type { AssetBaseline } from './assets-store.js';
import type { ReportContext } from './context.js';
import { iso } from './period.js';

/** An agent silent this long is a host gone from the register. */
export const GONE_AFTER_MS = 7 * 86_400_000;

export type AssetField = 'hostname' | 'os' | 'cpu' | 'memory' | 'disks' | 'addresses' | 'hardware';
export const ASSET_FIELDS: readonly AssetField[] = ['hostname', 'os', 'cpu', 'memory', 'disks', 'addresses', 'hardware'];

/** One comparable value per field (strings; sizes in bytes so a report can format them). */
export function assetValues(inv: InventoryMessage): Record<AssetField, string> {
  return {
    hostname: inv.hostname,
    os: [inv.os.distro, inv.os.release, inv.os.kernel, inv.os.arch].filter(Boolean).join(' '),
    cpu: `${inv.cpu.model} × ${inv.cpu.cores}`,
    memory: String(inv.memory_bytes),
    disks: inv.disks.map((d) => `${d.device}:${d.size_bytes}`).sort().join(', '),
    addresses: [...new Set(inv.interfaces.flatMap((i) => [...i.ipv4, ...i.ipv6]))].sort().join(', '),
    hardware: [inv.hardware.manufacturer, inv.hardware.model, inv.hardware.serial].filter(Boolean).join(' '),
  };
}

export interface AssetChange {
  agent_id: string;
  hostname: string | null;
  status: 'added' | 'gone' | 'changed' | 'unchanged';
  changes: Array<{ field: AssetField; before: string; after: string }>;
}

/** The agents that count as present now: with an inventory, heard from within GONE_AFTER_MS. */
function present<T extends { inventory: InventoryMessage | null; lastSeenMs: number }>(agents: readonly T[], nowMs: number): T[] {
  return agents.filter((a) => a.inventory !== null && nowMs - a.lastSeenMs <= GONE_AFTER_MS);
}

/** Compares inventories (pure): agents sorted by id; an agent without an inventory yet is compared as absent. */
export function compareAssets(
  current: ReadonlyArray<{ agentId: string; inventory: InventoryMessage | null; lastSeenMs: number }>,
  baseline: AssetBaseline | null,
  nowMs: number,
): AssetChange[] {
  const before = new Map((baseline?.agents ?? []).filter((a) => a.inventory).map((a) => [a.agentId, a.inventory as InventoryMessage]));
  const now = new Map(present(current, nowMs).map((a) => [a.agentId, a.inventory as InventoryMessage]));
  const ids = [...new Set([...before.keys(), ...now.keys()])].sort();
  return ids.map((id): AssetChange => {
    const b = before.get(id);
    const n = now.get(id);
    if (!b && n) return { agent_id: id, hostname: n.hostname, status: baseline ? 'added' : 'unchanged', changes: [] };
    if (b && !n) return { agent_id: id, hostname: b.hostname, status: 'gone', changes: [] };
    const bv = assetValues(b as InventoryMessage);
    const nv = assetValues(n as InventoryMessage);
    const changes = ASSET_FIELDS.filter((f) => bv[f] !== nv[f]).map((field) => ({ field, before: bv[field], after: nv[field] }));
    return { agent_id: id, hostname: (n as InventoryMessage).hostname, status: changes.length ? 'changed' : 'unchanged', changes };
  });
}

/** The agents and the last baseline, read from the store (assetsReportFrom compares them). */
export async function assetsInputs(ctx: ReportContext) {
  const q = ctx.store.db;
  const agents = await createAgentsRepo().list(q);
  const baseline = await ctx.assets.latest(q);
  return { nowMs: ctx.now(), timeZone: ctx.config.timezone, agents, baseline };
}

/** The assets report as JSON. Pure. */
export function assetsReportFrom(i: Awaited<ReturnType<typeof assetsInputs>>) {
  const { nowMs, agents, baseline } = i;
  const hosts = compareAssets(agents, baseline, nowMs);
  const count = (s: AssetChange['status']) => hosts.filter((h) => h.status === s).length;
  return {
    kind: 'assets' as const,
    generated_at: iso(nowMs) as string,
    time_zone: i.timeZone,
    baseline: baseline ? { verified_at: iso(baseline.verifiedAtMs) as string, verified_by: baseline.verifiedBy } : null,
    summary: { hosts: present(agents, nowMs).length, added: count('added'), gone: count('gone'), changed: count('changed') },
    hosts,
    inventory: present(agents, nowMs).map((a) => ({ agent_id: a.agentId, inventory_at: iso(a.inventoryAtMs), ...assetValues(a.inventory as InventoryMessage) })),
  };
}
export type AssetsReport = ReturnType<typeof assetsReportFrom>;

export async function buildAssetsReport(ctx: ReportContext): Promise<AssetsReport> {
  return assetsReportFrom(await assetsInputs(ctx));
}

/** Makes the current inventories the new baseline (`outpost report assets --mark-verified`); returns its id. */
export async function markAssetsVerified(ctx: ReportContext, by: string): Promise<number> {
  const nowMs = ctx.now();
  // The agents read and the baseline written in one transaction: the baseline is the register as it was at one instant.
  return ctx.store.transaction(async (trx) => {
    const agents = present(await createAgentsRepo().list(trx), nowMs);
    return ctx.assets.markVerified(
      trx,
      nowMs,
      by,
      agents.map((a) => ({ agentId: a.agentId, inventory: a.inventory, inventoryAtMs: a.inventoryAtMs })),
    );
  });
}
