/** Secrets inside strings and log lines: URL credentials, secret query parameters, webhook path tokens. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../common/logger.js';
import { redactSecrets } from '../../../common/redact.js';

describe('redactSecrets', () => {
  it.each([
    ['mqtt://collector:s3cret@broker:1883', 'mqtt://[redacted]@broker:1883'],
    ['mqtts://token-only@broker', 'mqtts://[redacted]@broker'],
    ['connect ECONNREFUSED http://u:p@127.0.0.1:8086/write?db=x&p=pw', 'connect ECONNREFUSED http://[redacted]@127.0.0.1:8086/write?db=x&p=[redacted]'],
    ['https://oapi.dingtalk.com/robot/send?access_token=abc123&timestamp=1&sign=xyz', 'https://oapi.dingtalk.com/robot/send?access_token=[redacted]&timestamp=1&sign=[redacted]'],
    ['https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k-1', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=[redacted]'],
    ['https://open.feishu.cn/open-apis/bot/v2/hook/0a6e3b9c-1111', 'https://open.feishu.cn/open-apis/bot/v2/hook/[redacted]'],
    ['http://127.0.0.1/write?db=outpost&u=influx&p=pw', 'http://127.0.0.1/write?db=outpost&u=influx&p=[redacted]'],
    ['plain text, a = b', 'plain text, a = b'],
  ])('%s', (input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });
});

describe('logger', () => {
  it('redacts secrets in the message, objects, nested errors and child bindings', () => {
    let out = '';
    const destination = new Writable({ write: (chunk: Buffer, _e, done) => ((out += chunk.toString()), done()) });
    const logger = createLogger({ destination }).child({ url: 'mqtt://a:bind-secret@h' });
    const error = new TypeError('fetch failed for https://x/send?access_token=err-secret');
    logger.error({ err: error, nested: { list: ['http://u:deep-secret@h/'] }, password: 'key-secret', enrolment_secret: 'enrol-secret' }, 'posting to https://x/hook/msg-secret-123');
    for (const secret of ['bind-secret', 'err-secret', 'deep-secret', 'key-secret', 'enrol-secret', 'msg-secret-123']) expect(out).not.toContain(secret);
    const line = JSON.parse(out) as { err: { type: string; message: string; stack: string } };
    expect(line.err.type).toBe('TypeError');
    expect(line.err.message).toBe('fetch failed for https://x/send?access_token=[redacted]');
    expect(line.err.stack).toContain('TypeError: fetch failed');
  });
});
