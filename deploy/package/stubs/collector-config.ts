/** `check-config --collector` in the packaged agent: the collector's config is not part of it. */
export function validateCollectorConfigFile(): never {
  throw new Error('check-config --collector needs the collector (outpost); the agent package validates agent configs only');
}
