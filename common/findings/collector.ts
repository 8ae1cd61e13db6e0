/**
 * Findings the collector itself states about a check (liveness verdicts) and about heartbeats (passive checks fed
 * by pings): the agent was lost or stopped, no result came, a job is late or failed. Durations are raw seconds.
 */
import { dur, str, type Catalogue } from './format.js';

export const COLLECTOR_FINDINGS: Catalogue = {
  'agent.lost': {
    params: [],
    'zh-CN': (p) => `采集代理失联${p.detail ? `（${str(p.detail)}）` : ''}`,
    en: (p) => `agent lost${p.detail ? ` (${str(p.detail)})` : ''}`,
  },
  'agent.stopped': {
    params: [],
    'zh-CN': () => '采集代理已停止',
    en: () => 'agent stopped',
  },
  'agent.back': {
    params: [],
    'zh-CN': () => '采集代理已恢复上报',
    en: () => 'agent is publishing again',
  },
  'agent.silent': {
    params: ['seconds'],
    'zh-CN': (p) => `${dur('zh-CN')(p.seconds)} 未收到检查结果`,
    en: (p) => `no result for ${dur('en')(p.seconds)}`,
  },
  'heartbeat.never': {
    params: ['missed'],
    'zh-CN': (p) => `从未收到心跳${Number(p.missed) > 1 ? `（已错过 ${str(p.missed)} 次截止时间）` : ''}`,
    en: (p) => `no heartbeat ever received${Number(p.missed) > 1 ? ` (${str(p.missed)} deadlines missed)` : ''}`,
  },
  'heartbeat.late': {
    params: ['missed'],
    'zh-CN': (p) =>
      `心跳超时未上报${typeof p.since_success_s === 'number' ? `，距上次成功 ${dur('zh-CN')(p.since_success_s)}` : '，尚无成功记录'}${Number(p.missed) > 1 ? `（已错过 ${str(p.missed)} 次截止时间）` : ''}`,
    en: (p) =>
      `heartbeat late${typeof p.since_success_s === 'number' ? `: last success ${dur('en')(p.since_success_s)} before the deadline` : ': no success yet'}${Number(p.missed) > 1 ? ` (${str(p.missed)} deadlines missed)` : ''}`,
  },
  'heartbeat.failed': {
    params: [],
    'zh-CN': (p) => `任务报告失败${typeof p.exit_code === 'number' ? `（退出码 ${str(p.exit_code)}）` : ''}${typeof p.duration_s === 'number' ? `，耗时 ${dur('zh-CN')(p.duration_s)}` : ''}`,
    en: (p) => `job reported failure${typeof p.exit_code === 'number' ? ` (exit code ${str(p.exit_code)})` : ''}${typeof p.duration_s === 'number' ? ` after ${dur('en')(p.duration_s)}` : ''}`,
  },
  'heartbeat.ok': {
    params: [],
    'zh-CN': (p) => `已收到心跳${typeof p.duration_s === 'number' ? `，耗时 ${dur('zh-CN')(p.duration_s)}` : ''}`,
    en: (p) => `heartbeat received${typeof p.duration_s === 'number' ? ` after ${dur('en')(p.duration_s)}` : ''}`,
  },
};
