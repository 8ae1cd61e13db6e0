/** Findings of the `snmp` check. Device-level findings carry `subject` (the device's sysName) when the poll answered. */
import { dur, levelEn, levelZh, num, pct, str, type Catalogue } from './format.js';

const reasonZh = (r: unknown, deadline: unknown): string =>
  r === 'deadline' ? `在轮询截止时间（${num(deadline as number, 2)} 秒）内未完成，设备响应慢` : r === 'timeout' ? '无应答（SNMP 超时）' : r === 'empty' ? '接口表为空（或不在该团体名/用户的视图内）' : str(r as string);
const reasonEn = (r: unknown, deadline: unknown): string =>
  r === 'deadline' ? `did not finish within the poll deadline (${num(deadline as number, 2)} s): slow device` : r === 'timeout' ? 'no answer (SNMP timeout)' : r === 'empty' ? 'the interface table is empty (or not in the view of this community/user)' : str(r as string);

export const SNMP_FINDINGS: Catalogue = {
  'snmp.ok': {
    params: [],
    'zh-CN': (p) =>
      [typeof p.interfaces === 'number' ? `${str(p.interfaces)} 个接口，${str(p.up)} 个 up` : '设备应答正常', typeof p.cpu_percent === 'number' ? `CPU ${pct(p.cpu_percent)}` : '', typeof p.memory_percent === 'number' ? `内存 ${pct(p.memory_percent)}` : '']
        .filter(Boolean)
        .join('，'),
    en: (p) =>
      [typeof p.interfaces === 'number' ? `${str(p.interfaces)} interface(s), ${str(p.up)} up` : 'answering', typeof p.cpu_percent === 'number' ? `cpu ${pct(p.cpu_percent)}` : '', typeof p.memory_percent === 'number' ? `memory ${pct(p.memory_percent)}` : '']
        .filter(Boolean)
        .join(', '),
  },
  'snmp.unreachable': {
    params: ['host', 'port', 'attempts', 'request_timeout_s', 'deadline_s', 'cut_by_deadline', 'community'],
    'zh-CN': (p) =>
      `设备不可达：${str(p.host)}:${str(p.port)} ${p.cut_by_deadline ? `在轮询截止时间 ${num(p.deadline_s, 2)} 秒内` : `${str(p.attempts)} 次请求（每次 ${num(p.request_timeout_s, 2)} 秒）`}无 SNMP 应答${p.community ? '（团体名错误时设备同样不应答）' : '（SNMPv3 密钥错误时设备也可能不应答）'}`,
    en: (p) =>
      `device unreachable: no SNMP answer from ${str(p.host)}:${str(p.port)} ${p.cut_by_deadline ? `within the poll deadline of ${num(p.deadline_s, 2)} s` : `in ${str(p.attempts)} attempt(s) of ${num(p.request_timeout_s, 2)} s`}${p.community ? ' (a wrong community gets no answer either)' : ' (wrong v3 keys may get no answer either)'}`,
  },
  'snmp.v3_credentials': {
    params: ['host', 'reason', 'setting'],
    'zh-CN': (p) =>
      `SNMPv3 认证失败（${str(p.reason)}）：请检查${p.setting === 'priv' ? ' v3.priv_password 和 v3.priv_protocol' : p.setting === 'user' ? ' v3.username' : p.setting === 'level' ? ' v3.level' : ' v3.username 和密码'}（设备 ${str(p.host)}）`,
    en: (p) =>
      `SNMPv3 authentication failed (${str(p.reason)}): check ${p.setting === 'priv' ? 'v3.priv_password and v3.priv_protocol' : p.setting === 'user' ? 'v3.username' : p.setting === 'level' ? 'v3.level' : 'v3.username and passwords'} for ${str(p.host)}`,
  },
  'snmp.error': {
    params: ['host', 'port', 'reason'],
    'zh-CN': (p) => `SNMP 错误（${str(p.host)}:${str(p.port)}）：${str(p.reason)}`,
    en: (p) => `SNMP error from ${str(p.host)}:${str(p.port)}: ${str(p.reason)}`,
  },
  'snmp.queued': {
    params: ['deadline_s'],
    'zh-CN': (p) => `未轮询：本代理的其他 SNMP 轮询占满并发，等待超过了轮询截止时间（${num(p.deadline_s, 2)} 秒）`,
    en: (p) => `not polled: other SNMP polls of this agent kept it waiting past the poll deadline (${num(p.deadline_s, 2)} s)`,
  },
  'snmp.rebooted': {
    params: ['from_s', 'to_s'],
    'zh-CN': (p) => `设备已重启（运行时间从 ${dur('zh-CN')(p.from_s)} 变为 ${dur('zh-CN')(p.to_s)}）`,
    en: (p) => `device rebooted (uptime went from ${dur('en')(p.from_s)} to ${dur('en')(p.to_s)})`,
  },
  'snmp.no_interfaces': {
    params: ['reason', 'deadline_s'],
    'zh-CN': (p) => `无法读取任何接口：${reasonZh(p.reason, p.deadline_s)}`,
    en: (p) => `no interfaces readable: ${reasonEn(p.reason, p.deadline_s)}`,
  },
  'snmp.resources_unread': {
    params: ['reason', 'deadline_s'],
    'zh-CN': (p) => `未读取到 CPU/内存：${reasonZh(p.reason, p.deadline_s)}`,
    en: (p) => `cpu/memory not read: ${reasonEn(p.reason, p.deadline_s)}`,
  },
  'snmp.oids_unread': {
    params: ['names', 'reason', 'deadline_s'],
    'zh-CN': (p) => `自定义 OID（${str(p.names)}）未读取：${reasonZh(p.reason, p.deadline_s)}`,
    en: (p) => `custom OIDs (${str(p.names)}) not read: ${reasonEn(p.reason, p.deadline_s)}`,
  },
  'snmp.not_polled': {
    params: ['parts', 'deadline_s'],
    'zh-CN': (p) => `已到轮询截止时间（${num(p.deadline_s, 2)} 秒），未轮询：${str(p.parts).replace('interfaces', '接口').replace('cpu/memory', 'CPU/内存').replace('custom OIDs', '自定义 OID')}`,
    en: (p) => `not polled (poll deadline ${num(p.deadline_s, 2)} s reached): ${str(p.parts)}`,
  },
  'snmp.cpu_high': {
    params: ['value', 'threshold', 'level'],
    'zh-CN': (p) => `CPU 使用率 ${pct(p.value)}（${levelZh(p.level)} ${pct(p.threshold)}）`,
    en: (p) => `CPU ${pct(p.value)} (${levelEn(p.level)} ${pct(p.threshold)})`,
  },
  'snmp.memory_high': {
    params: ['value', 'threshold', 'level'],
    'zh-CN': (p) => `内存使用率 ${pct(p.value)}（${levelZh(p.level)} ${pct(p.threshold)}）`,
    en: (p) => `memory ${pct(p.value)} used (${levelEn(p.level)} ${pct(p.threshold)})`,
  },
  'snmp.utilisation_high': {
    params: ['interface', 'value', 'threshold', 'level'],
    'zh-CN': (p) => `接口 ${str(p.interface)} 带宽利用率 ${pct(p.value)}（${levelZh(p.level)} ${pct(p.threshold)}）`,
    en: (p) => `interface ${str(p.interface)} utilisation ${pct(p.value)} (${levelEn(p.level)} ${pct(p.threshold)})`,
  },
  'snmp.critical_interface_down': {
    params: ['interface', 'admin_down'],
    'zh-CN': (p) => `关键接口 ${str(p.interface)} 已断开${p.admin_down ? '（管理性关闭）' : ''}`,
    en: (p) => `critical interface ${str(p.interface)} is down${p.admin_down ? ' (admin down)' : ''}`,
  },
  'snmp.critical_pattern_unmatched': {
    params: ['patterns'],
    'zh-CN': (p) => `critical_interfaces 中的 ${str(p.patterns)} 没有匹配到任何接口`,
    en: (p) => `critical_interfaces pattern(s) match no interface: ${str(p.patterns)}`,
  },
  'snmp.interfaces_dropped': {
    params: ['count', 'max'],
    'zh-CN': (p) => `另有 ${str(p.count)} 个接口未上报（interfaces.max 为 ${str(p.max)}）`,
    en: (p) => `${str(p.count)} more interface(s) not reported (interfaces.max ${str(p.max)})`,
  },
  'snmp.oid_missing': {
    params: ['name', 'oid', 'malformed'],
    'zh-CN': (p) => (p.malformed ? `${str(p.name)}：设备返回的值不是数字` : `${str(p.name)}：设备在 ${str(p.oid)} 没有值`),
    en: (p) => (p.malformed ? `${str(p.name)}: the device answered something that is not a number` : `${str(p.name)}: the device has no value at ${str(p.oid)}`),
  },
  'snmp.oid_above': {
    params: ['name', 'value', 'threshold', 'level'],
    'zh-CN': (p) => `${str(p.name)} 为 ${num(p.value, 2)}，高于${levelZh(p.level)} ${num(p.threshold, 2)}`,
    en: (p) => `${str(p.name)} is ${num(p.value, 2)}, above the ${levelEn(p.level)} ${num(p.threshold, 2)}`,
  },
  'snmp.oid_below': {
    params: ['name', 'value', 'threshold', 'level'],
    'zh-CN': (p) => `${str(p.name)} 为 ${num(p.value, 2)}，低于${levelZh(p.level)} ${num(p.threshold, 2)}`,
    en: (p) => `${str(p.name)} is ${num(p.value, 2)}, below the ${levelEn(p.level)} ${num(p.threshold, 2)}`,
  },
  'snmp.malformed_values': {
    params: ['count', 'examples'],
    'zh-CN': (p) => `忽略了 ${str(p.count)} 个格式错误的值：${str(p.examples)}`,
    en: (p) => `ignored ${str(p.count)} malformed value(s): ${str(p.examples)}`,
  },
};
