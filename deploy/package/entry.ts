/**
 * Entry of the packaged agent (outpost-agent.js and the single executable; bundled by ./bundle.ts into one
 * CommonJS file). It applies the run profile's V8 flags first (./profile.ts), then runs either the agent's lean
 * main (agent/main.ts: `agent`, `check-config`, `--version`) or, with the hidden first argument below, the
 * short-lived inventory worker that the agent starts as a child of the same file. Only this module and the
 * modules it starts touch argv, env and the exit code.
 */
import { setFlagsFromString } from 'node:v8';
import { INVENTORY_WORKER_ARG } from './entry-args.js';
import { chooseProfile } from './profile.js';

const choice = chooseProfile(process.env.OUTPOST_AGENT_PROFILE);
if (!choice.ok) {
  process.stderr.write(`outpost-agent: ${choice.error}\n`);
  process.exitCode = 2;
} else {
  for (const flag of choice.flags) setFlagsFromString(flag);
  // dynamic imports: in the bundle each module body runs only when imported here, after the flags are set
  if (process.argv[2] === INVENTORY_WORKER_ARG) void import('../../agent/inventory-worker.js');
  else void import('../../agent/main.js');
}
