/**
 * Secrets never reach a log: a full run — a real Mosquitto with a password file, the collector logging in through
 * credentials inside `mqtt.url`, InfluxDB's password (unreachable, so its errors are logged; credentials inside its URL are refused by the config), webhook
 * / DingTalk / WeCom / Feishu robots whose tokens sit in their URLs (answering 500, so every failure is logged), an
 * agent logging in through credentials inside its own `mqtt.url` and probing a URL with `?key=` — at debug level;
 * then every log line of both is searched for each secret.
 */
import { createServer, type Server } from 'node:http';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { Registry } from 'prom-client';
import { afterAll, describe, expect, it } from 'vitest';
import { createAgent } from '../../../agent/agent.js';
import { parseAgentConfigText } from '../../../agent/config.js';
import { createLogger } from '../../../common/logger.js';
import { createCollector } from '../../../collector/collector.js';
import { mosquittoPasswdLine } from '../../../collector/enrolment.js';
import { fixedInventory } from '../../helpers/inventory.js';
import { startMosquitto, type MosquittoServer } from '../../helpers/mosquitto.js';
import { freePort } from '../../helpers/ports.js';
import { waitUntil } from '../../helpers/wait.js';
import { configFor } from './support.js';

const SECRETS = {
  collectorMqtt: 'collector-mqtt-pass-7f3a9c',
  agentMqtt: 'agent-mqtt-pass-2b8e1d',
  influxPassword: 'influx-field-pass-5d1e8b',
  webhookToken: 'webhook-access-token-3a7c9e',
  webhookSecret: 'webhook-hmac-secret-8e2b4f',
  dingtalkToken: 'dingtalk-access-token-6f9d3c',
  dingtalkSecret: 'SECdingtalk-sign-secret-1c5a7e',
  wecomKey: 'wecom-key-4b8f2d',
  feishuHook: 'feishu-hook-token-0a6e3b9c',
  probeKey: 'probe-query-key-7d2c5a',
};

let text = '';
const sink = new Writable({ write: (chunk: Buffer, _e, done) => ((text += chunk.toString()), done()) });
const logger = createLogger({ level: 'debug', destination: sink });
let mosquitto: MosquittoServer | null = null;
let robots: Server | null = null;
const stops: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  await mosquitto?.stop();
  robots?.close();
});

describe('secrets in logs', () => {
  it('no secret appears in any log line of a full collector + agent run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpost-secrets-'));
    chmodSync(dir, 0o755);
    const passwd = join(dir, 'passwd');
    writeFileSync(passwd, `${mosquittoPasswdLine('collector', SECRETS.collectorMqtt)}\n${mosquittoPasswdLine('web-1', SECRETS.agentMqtt)}\n`);
    chmodSync(passwd, 0o644);
    mosquitto = await startMosquitto({ extraConfig: `password_file ${passwd}\nallow_anonymous false\n` });
    let robotHits = 0;
    robots = createServer((req, res) => {
      robotHits++;
      req.resume();
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`no thanks for ${req.url ?? ''}`);
    });
    await new Promise<void>((resolve) => robots!.listen(0, '127.0.0.1', resolve));
    const robotPort = (robots.address() as { port: number }).port;
    const base = `http://127.0.0.1:${robotPort}`;
    const deadInflux = await freePort();

    const config = configFor(join(dir, 'data'), {
      mqtt: { url: `mqtt://collector:${SECRETS.collectorMqtt}@127.0.0.1:${mosquitto.port}`, client_id: 'collector-secrets' },
      influx: { enabled: true, mode: 'v1', url: `http://127.0.0.1:${deadInflux}`, database: 'outpost', username: 'influx', password: SECRETS.influxPassword, flush_interval: '50ms', retry_min: '50ms', retry_max: '100ms' },
      notifications: {
        channels: {
          hook: { type: 'webhook', url: `${base}/hook?access_token=${SECRETS.webhookToken}`, secret: SECRETS.webhookSecret },
          ding: { type: 'dingtalk', url: `${base}/robot/send?access_token=${SECRETS.dingtalkToken}`, secret: SECRETS.dingtalkSecret },
          wecom: { type: 'wecom', url: `${base}/cgi-bin/webhook/send?key=${SECRETS.wecomKey}` },
          feishu: { type: 'feishu', url: `${base}/open-apis/bot/v2/hook/${SECRETS.feishuHook}` },
        },
        routes: [{ channels: ['hook', 'ding', 'wecom', 'feishu'] }],
        retry: { attempts: 2, base_delay: '10ms', max_delay: '20ms' },
      },
    });
    const running = await createCollector({ config, logger, registry: new Registry() }).start();
    stops.push(() => running.stop());

    const parsed = parseAgentConfigText(
      `agent: { id: web-1, state_dir: ${join(dir, 'agent')} }
mqtt: { url: "mqtt://web-1:${SECRETS.agentMqtt}@127.0.0.1:${mosquitto.port}", reconnect_min: 100ms, reconnect_max: 500ms }
checks:
  - { type: http, name: api, url: "${base}/status?key=${SECRETS.probeKey}", interval: 2s, timeout: 1s }
`,
      {},
      'test-host',
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const agent = createAgent({ config: parsed.config, logger, collectInventory: fixedInventory });
    stops.push(() => agent.stop());
    await agent.start();

    // The probe fails (500): an incident opens and every robot is called and fails; InfluxDB writes fail.
    await waitUntil(() => robotHits >= 8 && text.includes('"component":"notify"'), 60_000, 'robots called and failures logged');
    await waitUntil(() => /influx/i.test(text) && /ECONNREFUSED|write failed|retry/i.test(text), 30_000, 'influx write failures logged');
    for (const stop of stops.splice(0).reverse()) await stop();

    expect(text.length).toBeGreaterThan(1000);
    for (const [name, secret] of Object.entries(SECRETS)) expect(text.includes(secret), `${name} in the logs`).toBe(false);
    expect(text).toContain('[redacted]');
  });
});
