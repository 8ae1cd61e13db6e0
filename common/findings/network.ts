/** Findings of the `tcp`, `ping` and `http` checks. */
import { levelEn, levelZh, num, pct, str, type Catalogue } from './format.js';

export const NETWORK_FINDINGS: Catalogue = {
  'tcp.ok': {
    params: ['host', 'port', 'connect_ms'],
    'zh-CN': (p) => `已连接 ${str(p.host)}:${str(p.port)}，耗时 ${num(p.connect_ms)} 毫秒`,
    en: (p) => `connected to ${str(p.host)}:${str(p.port)} in ${num(p.connect_ms)} ms`,
  },
  'tcp.slow': {
    params: ['host', 'port', 'value', 'threshold', 'level'],
    'zh-CN': (p) => `连接 ${str(p.host)}:${str(p.port)} 耗时 ${num(p.value)} 毫秒（${levelZh(p.level)} ${num(p.threshold)} 毫秒）`,
    en: (p) => `connecting to ${str(p.host)}:${str(p.port)} took ${num(p.value)} ms (${levelEn(p.level)} ${num(p.threshold)} ms)`,
  },
  'tcp.connect_failed': {
    params: ['host', 'port', 'reason'],
    'zh-CN': (p) => `无法连接 ${str(p.host)}:${str(p.port)}：${p.reason === 'ECONNREFUSED' ? '连接被拒绝' : p.reason === 'timed out' ? '连接超时' : p.reason === 'EHOSTUNREACH' ? '主机不可达' : str(p.reason)}`,
    en: (p) => `cannot connect to ${str(p.host)}:${str(p.port)}: ${str(p.reason)}`,
  },
  'ping.ok': {
    params: ['host', 'loss_percent', 'rtt_avg_ms'],
    'zh-CN': (p) => `${str(p.host)}：丢包 ${pct(p.loss_percent)}，平均往返 ${num(p.rtt_avg_ms, 3)} 毫秒`,
    en: (p) => `${str(p.host)}: ${pct(p.loss_percent)} loss, rtt avg ${num(p.rtt_avg_ms, 3)} ms`,
  },
  'ping.unreachable': {
    params: ['host', 'sent', 'icmp_errors'],
    'zh-CN': (p) => `${str(p.host)} 不可达：${str(p.sent)} 个包全部丢失${typeof p.icmp_errors === 'number' && p.icmp_errors > 0 ? `，${str(p.icmp_errors)} 个 ICMP 错误` : ''}`,
    en: (p) => `${str(p.host)} unreachable: 100% packet loss (${str(p.sent)} sent${typeof p.icmp_errors === 'number' && p.icmp_errors > 0 ? `, ${str(p.icmp_errors)} ICMP errors` : ''})`,
  },
  'ping.loss_high': {
    params: ['host', 'value', 'threshold', 'level'],
    'zh-CN': (p) => `${str(p.host)} 丢包率 ${pct(p.value)}（${levelZh(p.level)} ${pct(p.threshold)}）`,
    en: (p) => `${str(p.host)} packet loss ${pct(p.value)} (${levelEn(p.level)} ${pct(p.threshold)})`,
  },
  'ping.rtt_high': {
    params: ['host', 'value', 'threshold', 'level'],
    'zh-CN': (p) => `${str(p.host)} 平均往返时延 ${num(p.value, 2)} 毫秒（${levelZh(p.level)} ${num(p.threshold)} 毫秒）`,
    en: (p) => `${str(p.host)} average round trip ${num(p.value, 2)} ms (${levelEn(p.level)} ${num(p.threshold)} ms)`,
  },
  'ping.timed_out': {
    params: ['host', 'count'],
    'zh-CN': (p) => `ping ${str(p.host)} 超时，${str(p.count)} 个包未全部收到应答`,
    en: (p) => `ping ${str(p.host)} timed out before ${str(p.count)} packets were answered`,
  },
  'ping.failed': {
    params: ['host', 'reason'],
    'zh-CN': (p) => `无法 ping ${str(p.host)}：${str(p.reason)}`,
    en: (p) => `cannot ping ${str(p.host)}: ${str(p.reason)}`,
  },
  'http.ok': {
    params: ['status', 'response_ms'],
    'zh-CN': (p) => `HTTP ${str(p.status)}，响应 ${num(p.response_ms)} 毫秒`,
    en: (p) => `HTTP ${str(p.status)} in ${num(p.response_ms)} ms`,
  },
  'http.status': {
    params: ['status', 'expected'],
    'zh-CN': (p) => `HTTP 状态码 ${str(p.status)} 不在预期范围 ${str(p.expected)} 内`,
    en: (p) => `HTTP status ${str(p.status)} not in ${str(p.expected)}`,
  },
  'http.slow': {
    params: ['value', 'threshold', 'level'],
    'zh-CN': (p) => `响应时间 ${num(p.value)} 毫秒（${levelZh(p.level)} ${num(p.threshold)} 毫秒）`,
    en: (p) => `response time ${num(p.value)} ms (${levelEn(p.level)} ${num(p.threshold)} ms)`,
  },
  'http.body_missing': {
    params: ['text'],
    'zh-CN': (p) => `页面内容不包含“${str(p.text)}”`,
    en: (p) => `the body does not contain "${str(p.text)}"`,
  },
  'http.body_forbidden': {
    params: ['text'],
    'zh-CN': (p) => `页面内容包含不应出现的“${str(p.text)}”`,
    en: (p) => `the body contains "${str(p.text)}"`,
  },
  'http.cert_expired': {
    params: ['subject', 'host', 'days'],
    'zh-CN': (p) => `${str(p.host)} 的证书（${str(p.subject)}）已过期 ${num(p.days)} 天`,
    en: (p) => `the certificate of ${str(p.host)} (${str(p.subject)}) expired ${num(p.days)} days ago`,
  },
  'http.cert_expiring': {
    params: ['subject', 'host', 'days', 'threshold', 'level'],
    'zh-CN': (p) => `${str(p.host)} 的证书（${str(p.subject)}）将在 ${num(p.days)} 天后过期（${levelZh(p.level)} ${str(p.threshold)} 天）`,
    en: (p) => `the certificate of ${str(p.host)} (${str(p.subject)}) expires in ${num(p.days)} days (${levelEn(p.level)} ${str(p.threshold)} days)`,
  },
  'http.failed': {
    params: ['url', 'reason'],
    'zh-CN': (p) => `访问 ${str(p.url)} 失败：${str(p.reason).startsWith('timed out') ? '请求超时' : str(p.reason)}`,
    en: (p) => `${str(p.url)}: ${str(p.reason)}`,
  },
};
