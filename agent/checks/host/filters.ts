/** Include/exclude selection of mounts and interfaces. Patterns are exact names or `prefix*` globs. Pure. */

export function matchesPattern(name: string, pattern: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

export function matchesAny(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => matchesPattern(name, p));
}

/** An empty include list means "everything"; exclude always wins. */
export function selected(name: string, include: readonly string[], exclude: readonly string[]): boolean {
  return (include.length === 0 || matchesAny(name, include)) && !matchesAny(name, exclude);
}

/** File system types that never hold persistent data worth alerting on. */
export const PSEUDO_FS_TYPES = [
  'tmpfs', 'devtmpfs', 'devfs', 'overlay', 'aufs', 'squashfs', 'proc', 'sysfs', 'cgroup', 'cgroup2', 'debugfs',
  'tracefs', 'securityfs', 'pstore', 'bpf', 'configfs', 'fusectl', 'mqueue', 'hugetlbfs', 'autofs', 'binfmt_misc',
  'nsfs', 'ramfs', 'rpc_pipefs', 'efivarfs', 'iso9660', 'fuse.lxcfs', 'fuse.snapfuse', 'fuse.portal', 'rootfs',
];
