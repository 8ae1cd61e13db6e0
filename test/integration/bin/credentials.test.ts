/**
 * `outpost agent credentials`: the derived password alone on one line (an explicit mqtt.agents entry wins), errors
 * named, and `--mosquitto-passwd` lines that a real Mosquitto 2 accepts as its password_file.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { enrolmentPassword } from '../../../collector/enrolment.js';
import { runOutpost } from '../../helpers/cli.js';
import { startMosquitto, type MosquittoServer } from '../../helpers/mosquitto.js';

const SECRET = 'credentials-test-secret-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'outpost-cred-'));
chmodSync(dir, 0o755);
const config = join(dir, 'collector.yaml');
writeFileSync(config, `mqtt:\n  enrolment_secret: ${SECRET}\n  agents:\n    - { id: fixed-1, password: fixed-1-password }\n  revoked: [gone-1]\n`);
let mosquitto: MosquittoServer | null = null;
afterAll(async () => mosquitto?.stop());

describe('outpost agent credentials', () => {
  it('prints the derived password alone on one line; an explicit entry wins', async () => {
    const one = await runOutpost(['agent', 'credentials', 'web-1', '--collector-config', config]);
    expect(one).toEqual({ code: 0, stdout: `${enrolmentPassword(SECRET, 'web-1')}\n`, stderr: '' });
    const two = await runOutpost(['agent', 'credentials', 'web-1', 'fixed-1', '--collector-config', config]);
    expect(two.stdout).toBe(`${enrolmentPassword(SECRET, 'web-1')}\nfixed-1-password\n`);
  });

  it('names what is wrong', async () => {
    expect(await runOutpost(['agent', 'credentials', 'web-1'])).toMatchObject({ code: 2, stderr: expect.stringContaining('--collector-config <file> is required') });
    expect(await runOutpost(['agent', 'credentials', 'Web 1', '--collector-config', config])).toMatchObject({ code: 2, stderr: expect.stringContaining('not an agent id') });
    expect(await runOutpost(['agent', 'credentials', 'gone-1', '--collector-config', config])).toMatchObject({ code: 2, stderr: expect.stringContaining('revoked in mqtt.revoked: gone-1') });
    const bare = join(dir, 'bare.yaml');
    writeFileSync(bare, 'mqtt:\n  listen: { port: 1884 }\n');
    expect(await runOutpost(['agent', 'credentials', 'web-1', '--collector-config', bare])).toMatchObject({ code: 2, stderr: expect.stringContaining('mqtt.enrolment_secret is not set') });
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'mqtt:\n  enrolment_secret: short\n');
    expect(await runOutpost(['agent', 'credentials', 'web-1', '--collector-config', broken])).toMatchObject({ code: 2, stderr: expect.stringContaining('mqtt.enrolment_secret: at least 16 characters') });
  });

  it('--mosquitto-passwd prints a password file a real Mosquitto accepts', async () => {
    const out = await runOutpost(['agent', 'credentials', 'web-1', 'db-1', '--mosquitto-passwd', '--collector-config', config]);
    expect(out.code).toBe(0);
    const lines = out.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.split(':')[0])).toEqual(['web-1', 'db-1']);
    for (const line of lines) expect(line).toMatch(/^[a-z0-9-]+:\$7\$101\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    const passwd = join(dir, 'passwd');
    writeFileSync(passwd, out.stdout);
    chmodSync(passwd, 0o644);
    mosquitto = await startMosquitto({ extraConfig: `password_file ${passwd}\nallow_anonymous false\n` });
    const ok = await mqtt.connectAsync(mosquitto.url, { protocolVersion: 4, clientId: 'web-1', username: 'web-1', password: enrolmentPassword(SECRET, 'web-1'), reconnectPeriod: 0 });
    expect(ok.connected).toBe(true);
    ok.end(true);
    await expect(mqtt.connectAsync(mosquitto.url, { protocolVersion: 4, clientId: 'db-1', username: 'db-1', password: 'wrong-password', reconnectPeriod: 0 })).rejects.toThrow(/Bad username or password|Not authorized/i);
  });
});
