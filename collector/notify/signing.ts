/**
 * Request signatures, pure (the caller passes the timestamp). Receivers recompute the same value:
 * - webhook:  `X-Outpost-Signature: sha256=<hex HMAC-SHA256(key=secret, msg="<timestamp>.<body>")>`,
 *             `X-Outpost-Timestamp: <unix seconds>`; verify both and reject stale timestamps (replay).
 * - DingTalk: timestamp in ms; sign = base64(HMAC-SHA256(key=secret, msg="<timestamp>\n<secret>")), sent URL-encoded
 *             as `&timestamp=…&sign=…`.
 * - Feishu:   timestamp in SECONDS; sign = base64(HMAC-SHA256(key="<timestamp>\n<secret>", msg="")), sent in the JSON
 *             body as `timestamp` (string) and `sign`.
 */
import { createHmac } from 'node:crypto';

export const WEBHOOK_SIGNATURE_HEADER = 'X-Outpost-Signature';
export const WEBHOOK_TIMESTAMP_HEADER = 'X-Outpost-Timestamp';

export function webhookSignature(secret: string, timestampSeconds: number, body: string): string {
  return 'sha256=' + createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex');
}

export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

export function feishuSign(secret: string, timestampSeconds: number): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('', 'utf8').digest('base64');
}
