/**
 * A reload swaps the notification channels in place: after it, a new incident's notice goes to the new webhook and
 * no longer to the old one; the API and its tokens keep working throughout.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../helpers/wait.js';
import { OPERATOR, configFor, startTestCollector, type TestCollector } from './support.js';

const hits: Record<string, number> = {};
let receiver: Server | null = null;
let tc: TestCollector | null = null;
afterAll(async () => {
  await tc?.running.stop();
  receiver?.close();
});

const notifications = (port: number, path: string) => ({
  channels: { hook: { type: 'webhook', url: `http://127.0.0.1:${port}/${path}` } },
  routes: [{ channels: ['hook'] }],
  retry: { attempts: 1 },
});

describe('notifications reload', () => {
  it('new incidents notify the channels of the reloaded file', async () => {
    receiver = createServer((req, res) => {
      const path = req.url ?? '';
      hits[path] = (hits[path] ?? 0) + 1;
      req.resume();
      res.writeHead(200).end('ok');
    });
    await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve));
    const port = (receiver.address() as { port: number }).port;
    tc = await startTestCollector({ notifications: notifications(port, 'old') });
    const create = async (title: string) => {
      const res = await tc!.api('/api/v1/incidents', OPERATOR, { method: 'POST', body: JSON.stringify({ title, severity: 'P2' }) });
      expect(res.status).toBe(201);
    };
    await create('before reload');
    await waitUntil(() => (hits['/old'] ?? 0) >= 1, 20_000, 'old webhook notified');
    const plan = tc.running.reload(configFor(tc.dataDir, { notifications: notifications(port, 'new') }));
    expect(plan.changed).toEqual(['notifications']);
    const oldHits = hits['/old'];
    await create('after reload');
    await waitUntil(() => (hits['/new'] ?? 0) >= 1, 20_000, 'new webhook notified');
    expect(hits['/old']).toBe(oldHits);
  });
});
