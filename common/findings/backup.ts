/** Findings of the `backup` check. */
import { bytes, dur, num, str, type Catalogue } from './format.js';

export const BACKUP_FINDINGS: Catalogue = {
  'backup.ok': {
    params: ['age_s', 'size', 'source'],
    'zh-CN': (p) => `备份正常：最近一次成功在 ${dur('zh-CN')(p.age_s)}前${typeof p.size === 'number' ? `，大小 ${bytes(p.size)}` : ''}`,
    en: (p) => `backup ok: last success ${dur('en')(p.age_s)} ago${typeof p.size === 'number' ? `, ${bytes(p.size)}` : ''}`,
  },
  'backup.never': {
    params: ['reason', 'source'],
    'zh-CN': (p) => `没有成功的备份（${str(p.source)}：${p.reason === 'no file matches' ? '没有匹配的备份文件' : p.reason === 'the repository lists no snapshot' ? '备份仓库中没有快照' : str(p.reason)}）`,
    en: (p) => `no successful backup (${str(p.source)}: ${str(p.reason)})`,
  },
  'backup.failed': {
    params: ['exit_code', 'ago_s'],
    'zh-CN': (p) => `最近一次备份任务失败，退出码 ${str(p.exit_code)}${typeof p.ago_s === 'number' ? `（${dur('zh-CN')(p.ago_s)}前）` : ''}`,
    en: (p) => `the last backup run failed with exit code ${str(p.exit_code)}${typeof p.ago_s === 'number' ? ` (${dur('en')(p.ago_s)} ago)` : ''}`,
  },
  'backup.late': {
    params: ['age_s', 'max_age_s'],
    'zh-CN': (p) => `最近一次备份已过去 ${dur('zh-CN')(p.age_s)}，超过允许的 ${dur('zh-CN')(p.max_age_s)}`,
    en: (p) => `last backup is ${dur('en')(p.age_s)} old, more than the allowed ${dur('en')(p.max_age_s)}`,
  },
  'backup.missed_schedule': {
    params: ['age_s', 'cron', 'expected_ago_s', 'grace_s'],
    'zh-CN': (p) => `计划任务（${str(p.cron)}）${dur('zh-CN')(p.expected_ago_s)}前应开始的备份未完成（宽限 ${dur('zh-CN')(p.grace_s)}），最近一次成功在 ${dur('zh-CN')(p.age_s)}前`,
    en: (p) => `the backup scheduled ${dur('en')(p.expected_ago_s)} ago (${str(p.cron)}, grace ${dur('en')(p.grace_s)}) has not arrived; last success ${dur('en')(p.age_s)} ago`,
  },
  'backup.empty': {
    params: ['file'],
    'zh-CN': (p) => `备份文件 ${str(p.file)} 为空（0 字节）`,
    en: (p) => `backup ${str(p.file)} is empty (0 bytes)`,
  },
  'backup.below_min_size': {
    params: ['file', 'size', 'min_size'],
    'zh-CN': (p) => `备份文件 ${str(p.file)} 大小 ${bytes(p.size)}，小于最小要求 ${bytes(p.min_size)}`,
    en: (p) => `backup ${str(p.file)} is ${bytes(p.size)}, below the minimum ${bytes(p.min_size)}`,
  },
  'backup.too_small': {
    params: ['file', 'size', 'median'],
    'zh-CN': (p) => `备份文件 ${str(p.file)} 大小 ${bytes(p.size)}，明显小于近期中位数 ${bytes(p.median)}${typeof p.percent === 'number' ? `（仅 ${num(p.percent)}%）` : ''}`,
    en: (p) => `backup ${str(p.file)} is ${bytes(p.size)}, far below the recent median ${bytes(p.median)}${typeof p.percent === 'number' ? ` (${num(p.percent)}%)` : ''}`,
  },
  'backup.too_few_files': {
    params: ['count', 'min_files'],
    'zh-CN': (p) => `只有 ${str(p.count)} 个备份文件，至少应有 ${str(p.min_files)} 个`,
    en: (p) => `${str(p.count)} backup files, expected at least ${str(p.min_files)}`,
  },
  'backup.command_failed': {
    params: ['command', 'exit_code', 'signal', 'stderr'],
    'zh-CN': (p) => `备份检查命令 ${str(p.command)} ${p.exit_code === null ? `被信号 ${str(p.signal)} 终止` : `退出码 ${str(p.exit_code)}`}${p.stderr ? `：${str(p.stderr)}` : ''}`,
    en: (p) => `backup listing command ${str(p.command)} ${p.exit_code === null ? `was killed by ${str(p.signal)}` : `exited with code ${str(p.exit_code)}`}${p.stderr ? `: ${str(p.stderr)}` : ''}`,
  },
  'backup.command_timeout': {
    params: ['command', 'seconds'],
    'zh-CN': (p) => `备份检查命令 ${str(p.command)} 超过 ${num(p.seconds, 2)} 秒未结束，已连同其子进程一起终止`,
    en: (p) => `backup listing command ${str(p.command)} did not finish within ${num(p.seconds, 2)} s and was killed with its process group`,
  },
  'backup.unreadable': {
    params: ['problem'],
    'zh-CN': (p) => `无法读取备份状态：${str(p.problem)}`,
    en: (p) => `cannot read the backup status: ${str(p.problem)}`,
  },
};
