/**
 * A test host in a network namespace joined to this machine by a veth pair. Outages are simulated by taking
 * down only the namespace side; a guard route (`unreachable 10.123.0.0/16 metric 4000`) guarantees no packet
 * for these addresses ever leaves this machine (DESIGN.md §6).
 */
import { execFileSync } from 'node:child_process';

export interface NetnsHost {
  name: string;
  /** Address of the namespace side: ping this. */
  ip: string;
  hostIp: string;
  down(): void;
  up(): void;
  destroy(): void;
}

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function ensureGuardRoute(): void {
  const routes = ip('route', 'show', 'table', 'main');
  if (!/unreachable 10\.123\.0\.0\/16/.test(routes)) {
    try {
      ip('route', 'add', 'unreachable', '10.123.0.0/16', 'metric', '4000');
    } catch (error) {
      if (!String((error as { stderr?: string }).stderr).includes('File exists')) throw error;
    }
  }
}

let counter = 0;

/** Picks an unused /30 inside 10.123.0.0/16 so parallel tests never collide. */
function pickSubnet(): number {
  const used = ip('-o', '-4', 'addr', 'show');
  for (let attempt = 0; attempt < 500; attempt++) {
    const n = (process.pid * 7 + counter++ * 13 + attempt) % 16000;
    const third = Math.floor(n / 64);
    const fourth = (n % 64) * 4;
    if (!used.includes(`10.123.${third}.${fourth + 1}/`)) return n;
  }
  throw new Error('no free 10.123.x.y/30 subnet');
}

export function createNetnsHost(): NetnsHost {
  ensureGuardRoute();
  const n = pickSubnet();
  const third = Math.floor(n / 64);
  const fourth = (n % 64) * 4;
  const tag = `${process.pid % 100000}${counter}`;
  const name = `op${tag}`;
  const hostSide = `opa${tag}`.slice(0, 15);
  const nsSide = `opb${tag}`.slice(0, 15);
  const hostIp = `10.123.${third}.${fourth + 1}`;
  const nsIp = `10.123.${third}.${fourth + 2}`;
  ip('netns', 'add', name);
  try {
    ip('link', 'add', hostSide, 'type', 'veth', 'peer', 'name', nsSide);
    ip('link', 'set', nsSide, 'netns', name);
    ip('addr', 'add', `${hostIp}/30`, 'dev', hostSide);
    ip('link', 'set', hostSide, 'up');
    ip('netns', 'exec', name, 'ip', 'addr', 'add', `${nsIp}/30`, 'dev', nsSide);
    ip('netns', 'exec', name, 'ip', 'link', 'set', nsSide, 'up');
    ip('netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up');
  } catch (error) {
    try {
      ip('netns', 'del', name);
    } catch {
      // best effort
    }
    throw error;
  }
  return {
    name,
    ip: nsIp,
    hostIp,
    down: () => void ip('netns', 'exec', name, 'ip', 'link', 'set', nsSide, 'down'),
    up: () => void ip('netns', 'exec', name, 'ip', 'link', 'set', nsSide, 'up'),
    destroy: () => {
      try {
        ip('link', 'del', hostSide);
      } catch {
        // already gone with the namespace
      }
      try {
        ip('netns', 'del', name);
      } catch {
        // already gone
      }
    },
  };
}
