/**
 * A UDP relay on 127.0.0.1 in front of a local server (snmpd) that holds back every answer after the first
 * `passFirst` by `delayMs`: a slow device (a busy switch CPU, a long WAN link) with the real server behind it.
 */
import { createSocket, type RemoteInfo } from 'node:dgram';

export interface UdpDelayProxy {
  port: number;
  close(): Promise<void>;
}

export async function startUdpDelayProxy(targetPort: number, opts: { delayMs: number; passFirst: number }): Promise<UdpDelayProxy> {
  const front = createSocket('udp4');
  const back = createSocket('udp4');
  const timers = new Set<NodeJS.Timeout>();
  let client: RemoteInfo | null = null;
  let answered = 0;
  front.on('message', (msg, rinfo) => {
    client = rinfo;
    back.send(msg, targetPort, '127.0.0.1');
  });
  back.on('message', (msg) => {
    const to = client;
    if (!to) return;
    const send = (): void => front.send(msg, to.port, to.address);
    if (answered++ < opts.passFirst) return send();
    const timer = setTimeout(() => {
      timers.delete(timer);
      send();
    }, opts.delayMs);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => back.bind(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => front.bind(0, '127.0.0.1', resolve));
  return {
    port: front.address().port,
    async close() {
      for (const t of timers) clearTimeout(t);
      await Promise.all([new Promise<void>((r) => front.close(() => r())), new Promise<void>((r) => back.close(() => r()))]);
    },
  };
}
