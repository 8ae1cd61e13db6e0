/**
 * The result of a poll that got no usable answer at all: nothing answered in time → `timeout_state` "device
 * unreachable"; a v3 USM refusal → unknown with the cause and which key to check; anything else → unknown.
 */
import type { Observation } from '../types.js';
import type { SnmpConfig } from './config.js';
import type { SnmpRequestError } from './session.js';

/** Which v3 setting a USM report points at. */
function credentialsHint(cfg: SnmpConfig, message: string): { key: string; text: string } {
  if (/decrypt|privacy/i.test(message)) return { key: 'priv', text: `check v3.priv_password and v3.priv_protocol (${cfg.v3?.priv_protocol ?? 'aes'}) for ${cfg.host}` };
  if (/unknown user/i.test(message)) return { key: 'user', text: `check v3.username for ${cfg.host}` };
  if (/security level/i.test(message)) return { key: 'level', text: `check v3.level for ${cfg.host}` };
  return { key: 'auth', text: `check v3.username and passwords for ${cfg.host}` };
}

export function unreachable(cfg: SnmpConfig, error: SnmpRequestError, deadlineS: number): Observation {
  if (error.kind === 'timeout') {
    const attempts = cfg.retries + 1;
    const community = cfg.version !== '3';
    const hint = community ? '; a wrong community gets no answer either' : '; wrong v3 keys may get no answer either';
    const how = error.message === 'poll deadline' ? `within the poll deadline of ${deadlineS}s` : `in ${attempts} attempt(s) of ${cfg.request_timeout / 1000}s`;
    return {
      state: cfg.timeout_state,
      message: `device unreachable (SNMP timeout: no answer from ${cfg.host}:${cfg.port} ${how}${hint})`,
      code: 'snmp.unreachable',
      params: { host: cfg.host, port: cfg.port, attempts, request_timeout_s: cfg.request_timeout / 1000, deadline_s: deadlineS, cut_by_deadline: error.message === 'poll deadline', community },
      metrics: { up: 0 },
    };
  }
  if (error.kind === 'auth') {
    const hint = credentialsHint(cfg, error.message);
    return { state: 'unknown', message: `${error.message} (${hint.text})`, code: 'snmp.v3_credentials', params: { host: cfg.host, reason: error.message, setting: hint.key }, metrics: {} };
  }
  return { state: 'unknown', message: `SNMP error from ${cfg.host}:${cfg.port}: ${error.message}`.slice(0, 2000), code: 'snmp.error', params: { host: cfg.host, port: cfg.port, reason: error.message.slice(0, 500) }, metrics: {} };
}
