/** Findings of the `host` check. */
import { dur, levelEn, levelZh, num, pct, str, type Catalogue } from './format.js';

const over = (zh: string, en: string): Catalogue[string] => ({
  params: ['value', 'threshold', 'level'],
  'zh-CN': (p) => `${zh} ${pct(p.value)}（${levelZh(p.level)} ${pct(p.threshold)}）`,
  en: (p) => `${en} ${pct(p.value)} (${levelEn(p.level)} ${pct(p.threshold)})`,
});

export const HOST_FINDINGS: Catalogue = {
  'host.ok': {
    params: ['load5', 'cores', 'mounts', 'interfaces', 'uptime_s'],
    'zh-CN': (p) =>
      [
        typeof p.cpu_percent === 'number' ? `CPU ${pct(p.cpu_percent)}` : null,
        `负载 ${num(p.load5, 2)}（${str(p.cores)} 核）`,
        typeof p.memory_percent === 'number' ? `内存 ${pct(p.memory_percent)}` : null,
        typeof p.swap_percent === 'number' ? `交换分区 ${pct(p.swap_percent)}` : null,
        `${str(p.mounts)} 个挂载点`,
        `已运行 ${dur('zh-CN')(p.uptime_s)}`,
      ]
        .filter((s) => s !== null)
        .join('，'),
    en: (p) =>
      [
        typeof p.cpu_percent === 'number' ? `cpu ${pct(p.cpu_percent)}` : null,
        `load ${num(p.load5, 2)} on ${str(p.cores)} cores`,
        typeof p.memory_percent === 'number' ? `memory ${pct(p.memory_percent)}` : null,
        typeof p.swap_percent === 'number' ? `swap ${pct(p.swap_percent)}` : null,
        `${str(p.mounts)} mounts`,
        `up ${dur('en')(p.uptime_s)}`,
      ]
        .filter((s) => s !== null)
        .join(', '),
  },
  'host.cpu_high': over('CPU 使用率', 'CPU'),
  'host.memory_high': over('内存使用率', 'memory used'),
  'host.swap_high': over('交换分区使用率', 'swap used'),
  'host.load_high': {
    params: ['value', 'threshold', 'level', 'cores'],
    'zh-CN': (p) => `每核 5 分钟负载 ${num(p.value, 2)}（${str(p.cores)} 核，${levelZh(p.level)} ${num(p.threshold, 2)}）`,
    en: (p) => `5-minute load per core ${num(p.value, 2)} (${str(p.cores)} cores, ${levelEn(p.level)} ${num(p.threshold, 2)})`,
  },
  'host.disk_high': {
    params: ['mount', 'value', 'threshold', 'level'],
    'zh-CN': (p) => `磁盘 ${str(p.mount)} 使用率 ${pct(p.value)}（${levelZh(p.level)} ${pct(p.threshold)}）`,
    en: (p) => `disk ${str(p.mount)} ${pct(p.value)} used (${levelEn(p.level)} ${pct(p.threshold)})`,
  },
  'host.inodes_high': {
    params: ['mount', 'value', 'threshold', 'level'],
    'zh-CN': (p) => `磁盘 ${str(p.mount)} inode 使用率 ${pct(p.value)}（${levelZh(p.level)} ${pct(p.threshold)}）`,
    en: (p) => `inodes on ${str(p.mount)} ${pct(p.value)} used (${levelEn(p.level)} ${pct(p.threshold)})`,
  },
};
