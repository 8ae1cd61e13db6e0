/**
 * SIGHUP on a real `outpost collector`: a revocation disconnects the agent and refuses it from then on, a new API
 * token works at once, connections stay up; a bad file is refused with every problem logged and the old config
 * stays; a key that needs a restart (api.listen) is logged as such and keeps its running value.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { topics } from '../../../common/protocol.js';
import { hashPassword } from '../../../collector/api/passwords.js';
import { enrolmentPassword } from '../../../collector/enrolment.js';
import { OUTPOST_BIN, assertBuilt } from '../../helpers/built.js';
import { freePort } from '../../helpers/ports.js';
import { stopProcess } from '../../helpers/process.js';
import { waitUntil } from '../../helpers/wait.js';
import { publishResult, result, status } from './support.js';

const SECRET = 'reload-test-secret-0123456789';
const TOKEN_A = 'token-a-0123456789abcdef';
const TOKEN_B = 'token-b-0123456789abcdef';
let child: ChildProcess | null = null;
const clients: mqtt.MqttClient[] = [];
afterAll(async () => {
  for (const c of clients) c.end(true);
  await stopProcess(child);
});

describe('config reload on SIGHUP', () => {
  it('applies revocations and tokens in place, refuses a bad file, logs keys that need a restart', async () => {
    assertBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'outpost-reload-'));
    const file = join(dir, 'collector.yaml');
    const [mqttPort, apiPort, otherPort] = [await freePort(), await freePort(), await freePort()];
    const base = {
      data_dir: join(dir, 'data'),
      mqtt: { listen: { host: '127.0.0.1', port: mqttPort }, enrolment_secret: SECRET },
      api: { listen: { host: '127.0.0.1', port: apiPort }, tokens: [{ name: 'a', token: TOKEN_A, role: 'admin' }] },
    };
    writeFileSync(file, stringify(base));
    let output = '';
    child = spawn(process.execPath, [OUTPOST_BIN, 'collector', '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await waitUntil(() => output.includes('collector started'), 30_000, 'collector started');
    const logLines = () => output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const hup = async (what: string, until: (line: Record<string, unknown>) => boolean) => {
      const seen = logLines().length;
      child!.kill('SIGHUP');
      return waitUntil(() => logLines().slice(seen).find(until), 20_000, what);
    };
    const api = (token: string, port = apiPort) => fetch(`http://127.0.0.1:${port}/api/v1/agents`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    const url = `mqtt://127.0.0.1:${mqttPort}`;
    const connect = async (id: string) => {
      const c = await mqtt.connectAsync(url, { protocolVersion: 4, clientId: id, username: id, password: enrolmentPassword(SECRET, id), reconnectPeriod: 0, connectTimeout: 5000 });
      clients.push(c);
      return c;
    };

    const web = await connect('web-1');
    const db = await connect('db-1');
    await web.publishAsync(topics.status('web-1'), JSON.stringify(status('web-1', 'online', [])), { qos: 1, retain: true });
    expect(await api(TOKEN_B)).toBe(401);

    // Revoke web-1, add token B.
    writeFileSync(file, stringify({ ...base, mqtt: { ...base.mqtt, revoked: ['web-1'] }, api: { ...base.api, tokens: [...base.api.tokens, { name: 'b', token: TOKEN_B, role: 'viewer' }] } }));
    const webClosed = new Promise<void>((resolve) => web.once('close', () => resolve()));
    const applied = await hup('reload applied', (l) => l.msg === 'config reloaded');
    expect(applied.applied).toEqual(['mqtt.revoked', 'api.tokens']);
    await webClosed;
    await expect(connect('web-1')).rejects.toThrow(/Not authorized/i);
    expect(await api(TOKEN_B)).toBe(200);
    expect(db.connected).toBe(true);
    await publishResult(db, result('db-1', 1, 'mysql', 'ok', Date.now(), { target: 'db-1' }));

    // A bad file: refused, every problem listed, the running config stays.
    writeFileSync(file, stringify({ ...base, mqtt: { ...base.mqtt, revoked: ['Not An Id'] }, api: { ...base.api, tokenz: [] } }));
    const refused = await hup('bad file refused', (l) => typeof l.msg === 'string' && l.msg.startsWith('config reload refused'));
    expect(refused.level).toBe(50);
    expect(refused.problems).toEqual(expect.arrayContaining([expect.stringMatching(/^api\.tokenz: unknown key/), expect.stringMatching(/^mqtt\.revoked\[0\]: must match/)]));
    expect(await api(TOKEN_A)).toBe(200);
    expect(await api(TOKEN_B)).toBe(200);
    await expect(connect('web-1')).rejects.toThrow(/Not authorized/i);

    // A key that needs a restart: logged, and the API stays where it is.
    writeFileSync(file, stringify({ ...base, mqtt: { ...base.mqtt, revoked: ['web-1'] }, api: { ...base.api, listen: { host: '127.0.0.1', port: otherPort }, tokens: [...base.api.tokens, { name: 'b', token: TOKEN_B, role: 'viewer' }] } }));
    const restart = await hup('restart keys logged', (l) => typeof l.msg === 'string' && l.msg.includes('need a restart'));
    expect(restart.keys).toEqual(['api.listen']);
    expect(await api(TOKEN_A)).toBe(200);
    await expect(api(TOKEN_A, otherPort)).rejects.toThrow();
    expect(db.connected).toBe(true);

    // Console users: one added by a reload logs in at once; removed by the next, its session is refused.
    const kept = { ...base, mqtt: { ...base.mqtt, revoked: ['web-1'] }, api: { ...base.api, tokens: [...base.api.tokens, { name: 'b', token: TOKEN_B, role: 'viewer' }] } };
    writeFileSync(file, stringify({ ...kept, api: { ...kept.api, users: [{ name: 'carol', password_hash: await hashPassword('carol-pass-1234'), role: 'operator' }] } }));
    expect((await hup('user added', (l) => l.msg === 'config reloaded')).applied).toEqual(['api.users']);
    const login = await fetch(`http://127.0.0.1:${apiPort}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'carol', password: 'carol-pass-1234' }) });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const me = () => fetch(`http://127.0.0.1:${apiPort}/api/v1/session`, { headers: { cookie } }).then((r) => r.status);
    expect(await me()).toBe(200);
    writeFileSync(file, stringify(kept));
    expect((await hup('user removed', (l) => l.msg === 'config reloaded')).applied).toEqual(['api.users']);
    expect(await me()).toBe(401);
  });
});
