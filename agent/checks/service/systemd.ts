/**
 * systemd unit state via `systemctl show`. We ask for Key=Value lines rather than `--value`: with `--value` the
 * output order follows systemd's property table, not the `-p` list, so unlabelled values could be misread.
 */
import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';

export interface UnitStatus {
  loadState: string;
  activeState: string;
  subState: string;
  /** null when the unit has no main process (inactive, oneshot). */
  mainPid: number | null;
  /** systemd's own restart counter (systemd ≥ 235), null when not reported. */
  nRestarts: number | null;
}

export const UNIT_PROPERTIES = 'LoadState,ActiveState,SubState,MainPID,NRestarts';

export function parseSystemctlShow(text: string): UnitStatus {
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  const mainPid = Number(values.get('MainPID') ?? 0);
  const nRestarts = values.get('NRestarts');
  return {
    loadState: values.get('LoadState') ?? 'unknown',
    activeState: values.get('ActiveState') ?? 'unknown',
    subState: values.get('SubState') ?? 'unknown',
    mainPid: Number.isInteger(mainPid) && mainPid > 0 ? mainPid : null,
    nRestarts: nRestarts !== undefined && /^\d+$/.test(nRestarts) ? Number(nRestarts) : null,
  };
}

/** sd_booted(): systemd is PID 1 exactly when this directory exists. */
export async function isSystemdRunning(runDir: string): Promise<boolean> {
  try {
    await access(runDir);
    return true;
  } catch {
    return false;
  }
}

export type SystemctlShow = (unit: string, signal: AbortSignal) => Promise<string>;

export const systemctlShow: SystemctlShow = (unit, signal) =>
  new Promise((resolve, reject) => {
    execFile('systemctl', ['show', '-p', UNIT_PROPERTIES, '--', unit], { signal, env: { ...process.env, LANG: 'C' } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`systemctl show ${unit} failed: ${String(stderr).trim() || error.message}`, { cause: error }));
      else resolve(String(stdout));
    });
  });
