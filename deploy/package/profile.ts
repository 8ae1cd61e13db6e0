/**
 * The agent's run profiles, one setting in the package's environment file (/etc/default/outpost-agent for the
 * .deb, /etc/sysconfig/outpost-agent for the .rpm): `OUTPOST_AGENT_PROFILE=host` (default) or `poller`.
 * The flags are V8 flags, applied by the packaged entry with `v8.setFlagsFromString` before any other module is
 * evaluated (a single executable has no node command line). BENCHMARKS.md "Agent footprint" / "Agent packages".
 */

/** The environment variable that selects the profile. */
export const PROFILE_VARIABLE = 'OUTPOST_AGENT_PROFILE';

export const AGENT_PROFILES = {
  /**
   * A server watching itself (host, service, tcp, http, ping, backup checks): the agent is idle > 99 % of the
   * time, so it trades peak JavaScript speed for ~25 MiB less memory (no optimising compiler, small heap steps).
   */
  host: ['--lite-mode', '--max-semi-space-size=1', '--optimize-for-size', '--no-expose-wasm'],
  /**
   * An agent polling network gear (many snmp checks, traps): lite mode costs 2.5x the CPU per SNMP poll there
   * (20 ms instead of 7 ms with 60 devices) for ~43 MiB saved; this profile keeps V8's defaults.
   */
  poller: [],
} as const satisfies Record<string, readonly string[]>;

export type AgentProfile = keyof typeof AGENT_PROFILES;

export type ProfileChoice = { ok: true; profile: AgentProfile; flags: readonly string[] } | { ok: false; error: string };

/** The profile named by the variable's value; unset or empty means `host`. */
export function chooseProfile(value: string | undefined): ProfileChoice {
  const name = (value ?? '').trim() || 'host';
  if (Object.hasOwn(AGENT_PROFILES, name)) {
    const profile = name as AgentProfile;
    return { ok: true, profile, flags: AGENT_PROFILES[profile] };
  }
  const known = Object.keys(AGENT_PROFILES).join(', ');
  return { ok: false, error: `${PROFILE_VARIABLE}: unknown profile "${name}" (expected one of: ${known})` };
}
