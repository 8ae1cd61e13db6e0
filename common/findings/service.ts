/** Findings of the `service` check and of the runner (any check). */
import { num, str, type Catalogue } from './format.js';

export const SERVICE_FINDINGS: Catalogue = {
  'service.ok': {
    params: ['name', 'count', 'pid'],
    'zh-CN': (p) => `${str(p.name)}：${str(p.count)} 个进程运行中，主进程 ${str(p.pid)}`,
    en: (p) => `${str(p.name)}: ${str(p.count)} process(es) running, main pid ${str(p.pid)}`,
  },
  'service.not_running': {
    params: ['name'],
    'zh-CN': (p) => `${str(p.name)}：没有匹配的进程在运行`,
    en: (p) => `${str(p.name)}: no matching process running`,
  },
  'service.too_few': {
    params: ['name', 'count', 'min_count'],
    'zh-CN': (p) => `${str(p.name)}：只有 ${str(p.count)} 个进程运行，至少需要 ${str(p.min_count)} 个`,
    en: (p) => `${str(p.name)}: ${str(p.count)} processes running, need at least ${str(p.min_count)}`,
  },
  'service.restarted': {
    params: ['name', 'old_pid', 'pid'],
    'zh-CN': (p) => `${str(p.name)} 已重启（进程 ${str(p.old_pid)} → ${str(p.pid)}）`,
    en: (p) => `${str(p.name)} restarted (pid ${str(p.old_pid)} → ${str(p.pid)})`,
  },
  'service.unit_ok': {
    params: ['unit', 'state'],
    'zh-CN': (p) => `服务 ${str(p.unit)} 运行正常（${str(p.state)}）`,
    en: (p) => `unit ${str(p.unit)} ${str(p.state)}`,
  },
  'service.unit_restarted': {
    params: ['unit', 'old_pid', 'pid', 'state'],
    'zh-CN': (p) => `服务 ${str(p.unit)} 已重启（进程 ${str(p.old_pid)} → ${str(p.pid)}，${str(p.state)}）`,
    en: (p) => `unit ${str(p.unit)} restarted (pid ${str(p.old_pid)} → ${str(p.pid)}; ${str(p.state)})`,
  },
  'service.unit_transitional': {
    params: ['unit', 'state'],
    'zh-CN': (p) => `服务 ${str(p.unit)} 状态变化中（${str(p.state)}）`,
    en: (p) => `unit ${str(p.unit)} is ${str(p.state)}`,
  },
  'service.unit_down': {
    params: ['unit', 'state'],
    'zh-CN': (p) => `服务 ${str(p.unit)} 未运行（${str(p.state)}）`,
    en: (p) => `unit ${str(p.unit)} is ${str(p.state)}`,
  },
  'service.unit_not_found': {
    params: ['unit'],
    'zh-CN': (p) => `服务 ${str(p.unit)} 不存在`,
    en: (p) => `unit ${str(p.unit)} not found`,
  },
  'service.no_systemd': {
    params: ['unit'],
    'zh-CN': (p) => `无法检查服务 ${str(p.unit)}：本机没有运行 systemd（例如容器内）`,
    en: (p) => `cannot check unit ${str(p.unit)}: systemd is not running on this host (e.g. a container)`,
  },
  'check.timed_out': {
    params: ['seconds'],
    'zh-CN': (p) => `检查超时（${num(p.seconds, 2)} 秒）`,
    en: (p) => `timed out after ${num(p.seconds, 2)} s`,
  },
  'check.failed': {
    params: ['error'],
    'zh-CN': (p) => `检查本身出错：${str(p.error)}`,
    en: (p) => `check failed: ${str(p.error)}`,
  },
  'check.invalid_observation': {
    params: ['problems'],
    'zh-CN': (p) => `检查返回了无效结果：${str(p.problems)}`,
    en: (p) => `check returned an invalid observation: ${str(p.problems)}`,
  },
};
