/**
 * Starts Debian's net-snmp `snmpd` on 127.0.0.1:<free UDP port> with a config written here: a v2c read-only
 * community and a v3 authPriv user (createUser). Stopped by PID; `restart()` makes sysUpTime start again from 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import snmp from 'net-snmp';
import { waitUntil } from './wait.js';
import { stopProcess } from './process.js';

/** A UDP port that was free on 127.0.0.1 a moment ago. */
export function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      const { port } = socket.address();
      socket.close(() => resolve(port));
    });
  });
}

export interface SnmpdServer {
  port: number;
  community: string;
  user: { name: string; authProtocol: 'SHA'; authPassword: string; privProtocol: 'AES'; privPassword: string };
  stop(): Promise<void>;
  /** Stops and starts again on the same port (a "reboot": sysUpTime restarts). */
  restart(): Promise<void>;
}

export async function startSnmpd(opts: { community?: string; sysName?: string } = {}): Promise<SnmpdServer> {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-snmpd-'));
  const port = await freeUdpPort();
  const community = opts.community ?? 'outpost-ro';
  const user = { name: 'opsmon', authProtocol: 'SHA' as const, authPassword: 'auth-secret-1', privProtocol: 'AES' as const, privPassword: 'priv-secret-1' };
  const conf = join(dir, 'snmpd.conf');
  writeFileSync(
    conf,
    [
      `rocommunity ${community} 127.0.0.1`,
      `createUser ${user.name} ${user.authProtocol} "${user.authPassword}" ${user.privProtocol} "${user.privPassword}"`,
      `rouser ${user.name} priv`,
      // the rest of the v3 matrix: MD5/DES, MD5/AES, SHA-256/AES, authNoPriv (passwords are the user name + "-secret")
      'createUser ops-md5-des MD5 "ops-md5-des-secret" DES "ops-md5-des-secret"',
      'rouser ops-md5-des priv',
      'createUser ops-md5-aes MD5 "ops-md5-aes-secret" AES "ops-md5-aes-secret"',
      'rouser ops-md5-aes priv',
      'createUser ops-sha256-aes SHA-256 "ops-sha256-aes-secret" AES "ops-sha256-aes-secret"',
      'rouser ops-sha256-aes priv',
      'createUser ops-sha-auth SHA "ops-sha-auth-secret"',
      'rouser ops-sha-auth auth',
      `sysName ${opts.sysName ?? 'outpost-snmpd'}`,
      'sysLocation test machine room',
    ].join('\n') + '\n',
  );
  let child: ChildProcess | null = null;
  let stderr = '';

  const answers = async (): Promise<boolean> => {
    const session = snmp.createSession('127.0.0.1', community, { port, version: snmp.Version2c, timeout: 300, retries: 0 });
    try {
      return await new Promise<boolean>((resolve) => session.get(['1.3.6.1.2.1.1.3.0'], (error) => resolve(!error)));
    } finally {
      session.close();
    }
  };

  const server: SnmpdServer = {
    port,
    community,
    user,
    async stop() {
      const c = child;
      child = null;
      await stopProcess(c);
    },
    async restart() {
      await server.stop();
      await start();
    },
  };

  async function start(): Promise<void> {
    // MIBS= : no MIB files needed (numeric OIDs only); -C: only our config; persistent state in our temp dir
    const c = spawn('snmpd', ['-f', '-Lo', '-C', '-c', conf, `udp:127.0.0.1:${port}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MIBS: '', SNMP_PERSISTENT_DIR: join(dir, 'persist') },
    });
    child = c;
    c.stdout?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    c.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    await waitUntil(async () => {
      if (c.exitCode !== null) throw new Error(`snmpd exited (${c.exitCode}): ${stderr}`);
      return answers();
    }, 20_000, `snmpd on 127.0.0.1:${port}`);
  }

  await start();
  return server;
}
