import { describe, expect, it } from 'vitest';
import { dingtalkUrl } from '../../../../collector/notify/dingtalk.js';
import { dingtalkSign, feishuSign, webhookSignature } from '../../../../collector/notify/signing.js';

// Expected values were computed with the vendors' published Python samples (hmac + base64), not with our code.
describe('signatures match the vendors’ reference algorithms', () => {
  it('DingTalk: base64(HMAC-SHA256(key=secret, "ts\\nsecret")), timestamp in ms', () => {
    expect(dingtalkSign('SEC0123456789abcdef', 1_700_000_000_000)).toBe('TSZbRFUuvaSQaRKUpF970OPCb2/LcQAP3wOvwZIzBZk=');
  });

  it('DingTalk: timestamp and URL-encoded sign are appended to the robot URL, access_token kept', () => {
    const url = dingtalkUrl({ url: 'https://oapi.dingtalk.com/robot/send?access_token=abc', secret: 'SEC0123456789abcdef' }, 1_700_000_000_000);
    expect(url).toBe(
      'https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=1700000000000&sign=TSZbRFUuvaSQaRKUpF970OPCb2%2FLcQAP3wOvwZIzBZk%3D',
    );
  });

  it('DingTalk: no secret → URL unchanged', () => {
    expect(dingtalkUrl({ url: 'https://oapi.dingtalk.com/robot/send?access_token=abc' }, 1)).toBe(
      'https://oapi.dingtalk.com/robot/send?access_token=abc',
    );
  });

  it('Feishu: base64(HMAC-SHA256(key="ts\\nsecret", msg="")), timestamp in seconds', () => {
    expect(feishuSign('feishu-secret-xyz', 1_700_000_000)).toBe('RpXbw7bncheMXKEHLeETmnhcqsBrZOUBOwyPTuLV4ic=');
  });

  it('webhook: sha256=<hex HMAC-SHA256(secret, "ts.body")>', () => {
    expect(webhookSignature('hook-secret', 1_700_000_000, '{"a":1}')).toBe(
      'sha256=2ca9484d0c409cd2998fd115eb688d50af3c4591f30a5124d6262b43877ed809',
    );
  });
});
