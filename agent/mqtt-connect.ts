/**
 * mqtt.connect() without its transport table. mqtt.js's connect() requires every transport on first use (ws, the
 * SOCKS client with ip-address, tls), ~3 MiB of the agent's RSS (BENCHMARKS.md "Agent footprint"). For mqtt:/tcp:
 * and mqtts:/ssl:/tls: URLs this builds the MqttClient with node:net / node:tls streams exactly as mqtt.js's tcp and
 * tls builders do; ws:/wss:, unix sockets and SOCKS proxies go through mqtt.connect() unchanged.
 */
import { connect as netConnect, isIP } from 'node:net';
import type * as Tls from 'node:tls';
import mqtt, { MqttClient, type IClientOptions } from 'mqtt';

export type MqttRoute =
  | { kind: 'tcp' | 'tls'; host: string; port: number; username?: string; password?: string }
  | { kind: 'mqtt.connect'; why: string };

/** Pure: which stream an URL needs. Mirrors mqtt.js: default ports 1883/8883, cert+key upgrade mqtt: to TLS. */
export function routeMqttUrl(url: string, options: Pick<IClientOptions, 'cert' | 'key' | 'socksProxy'>, socksProxyEnv?: string): MqttRoute {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { kind: 'mqtt.connect', why: 'not a URL' };
  }
  const protocol = parsed.protocol.replace(/:$/, '');
  if (protocol.includes('+unix')) return { kind: 'mqtt.connect', why: 'unix socket' };
  if (options.socksProxy !== undefined || socksProxyEnv) return { kind: 'mqtt.connect', why: 'SOCKS proxy' };
  let kind: 'tcp' | 'tls';
  if (protocol === 'mqtt' || protocol === 'tcp') kind = options.cert && options.key ? 'tls' : 'tcp';
  else if (protocol === 'mqtts' || protocol === 'ssl' || protocol === 'tls') kind = 'tls';
  else return { kind: 'mqtt.connect', why: `${protocol}: transport` };
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost';
  const port = parsed.port ? Number(parsed.port) : kind === 'tls' ? 8883 : 1883;
  return {
    kind,
    host,
    port,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
  };
}

/** node:tls pulls in OpenSSL (~2.6 MiB of RSS): loaded only when the broker URL needs TLS. */
const tls = (): typeof Tls => process.getBuiltinModule('node:tls') as typeof Tls;

/** What mqtt.js's tls builder does: SNI for names, and an unauthorised peer is an error on the client. */
function tlsStream(client: MqttClient, options: IClientOptions, host: string, port: number) {
  const rejectUnauthorized = options.rejectUnauthorized !== false;
  const tlsOptions: Tls.ConnectionOptions = { ...(options as Tls.ConnectionOptions), host, port, rejectUnauthorized, ...(isIP(host) === 0 && !options.servername ? { servername: host } : {}) };
  const connection = tls().connect(tlsOptions);
  const onError = (error: Error) => {
    if (rejectUnauthorized) client.emit('error', error);
    connection.end();
  };
  connection.on('secureConnect', () => {
    if (rejectUnauthorized && !connection.authorized) connection.emit('error', new Error('TLS not authorized'));
    else connection.removeListener('error', onError);
  });
  connection.on('error', onError);
  return connection;
}

/** Drop-in for mqtt.connect(url, options) (the publisher's `connect` dependency). */
export function connectMqtt(url: string, options: IClientOptions): MqttClient {
  // mqtt.js itself reads this variable; honour it the same way by delegating
  const route = routeMqttUrl(url, options, process.env.MQTTJS_SOCKS_PROXY);
  if (route.kind === 'mqtt.connect') return mqtt.connect(url, options);
  const { host, port, kind } = route;
  const clientOptions: IClientOptions = {
    ...options,
    host,
    hostname: host,
    port,
    protocol: kind === 'tls' ? 'mqtts' : 'mqtt',
    ...(options.username === undefined && route.username !== undefined ? { username: route.username } : {}),
    ...(options.password === undefined && route.password !== undefined ? { password: route.password } : {}),
  };
  const client = new MqttClient((c) => (kind === 'tls' ? tlsStream(c, clientOptions, host, port) : netConnect({ host, port })), clientOptions);
  client.on('error', () => undefined); // as mqtt.connect: an unhandled 'error' must not crash; the publisher logs them
  return client;
}
