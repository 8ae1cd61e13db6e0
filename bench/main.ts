/**
 * `npm run bench -- NAME [args]`: runs benchmark NAME (bench/NAME/run.ts, compiled with the product into dist/ by
 * bench/tsconfig.json) as its own process, so one benchmark's memory and timers never touch another's figures.
 * Without a name, lists the benchmarks. Results and how to read them: BENCHMARKS.md.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const HERE = import.meta.dirname;
const names = readdirSync(HERE, { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(join(HERE, e.name, 'run.js')))
  .map((e) => e.name)
  .sort();

const [name, ...args] = process.argv.slice(2);
if (name === undefined || name === '-h' || name === '--help') {
  process.stdout.write(`Usage: npm run bench -- NAME [args]\n\nBenchmarks: ${names.join(', ')}\n`);
} else if (!names.includes(name)) {
  process.stderr.write(`bench: unknown benchmark "${name}" (benchmarks: ${names.join(', ')})\n`);
  process.exitCode = 2;
} else {
  const child = spawn(process.execPath, [join(HERE, name, 'run.js'), ...args], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.once('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
}
