import { describe, expect, it } from 'vitest';
import { routeMqttUrl } from '../../../agent/mqtt-connect.js';

describe('routeMqttUrl (which stream, as mqtt.connect would pick it)', () => {
  it.each([
    ['mqtt://127.0.0.1', {}, { kind: 'tcp', host: '127.0.0.1', port: 1883 }],
    ['tcp://broker.example:1884', {}, { kind: 'tcp', host: 'broker.example', port: 1884 }],
    ['mqtts://broker.example', {}, { kind: 'tls', host: 'broker.example', port: 8883 }],
    ['ssl://[::1]:9883', {}, { kind: 'tls', host: '::1', port: 9883 }],
    ['tls://127.0.0.1:8884', {}, { kind: 'tls', host: '127.0.0.1', port: 8884 }],
    ['mqtt://127.0.0.1:1883', { cert: 'C', key: 'K' }, { kind: 'tls', host: '127.0.0.1', port: 1883 }],
    ['mqtt://agent%40x:p%3Ass@127.0.0.1', {}, { kind: 'tcp', host: '127.0.0.1', port: 1883, username: 'agent@x', password: 'p:ss' }],
  ])('%s %o → %o', (url, options, route) => expect(routeMqttUrl(url, options)).toEqual(route));

  it.each([
    ['ws://127.0.0.1:8080/mqtt', {}, undefined, 'ws: transport'],
    ['wss://broker.example/mqtt', {}, undefined, 'wss: transport'],
    ['mqtt+unix:///run/mosquitto.sock', {}, undefined, 'unix socket'],
    ['mqtt://127.0.0.1', { socksProxy: 'socks5://127.0.0.1:1080' }, undefined, 'SOCKS proxy'],
    ['mqtt://127.0.0.1', {}, 'socks5://127.0.0.1:1080', 'SOCKS proxy'],
    ['not a url', {}, undefined, 'not a URL'],
  ])('%s → delegated to mqtt.connect (%s)', (url, options, env, why) => expect(routeMqttUrl(url, options, env)).toEqual({ kind: 'mqtt.connect', why }));
});
