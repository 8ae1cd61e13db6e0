/**
 * Bundles the agent (./entry.ts → agent/main.ts) with esbuild into ONE CommonJS file that needs nothing but
 * Node ≥ 20: no node_modules, no native module, any architecture. CommonJS because Node 20's single executable
 * runs only a CommonJS script. A single file has no code splitting, so the agent's lazy imports (check
 * implementations, traps, the inventory worker) become esbuild's lazily-initialised module wrappers: their code
 * is in the file but runs only when first imported, as from node_modules.
 *
 * What differs from running dist/ (each rewrite fails the build if its source moved, so nothing breaks silently):
 * - `import.meta.url` is the bundle's own file URL;
 * - common/version.ts is replaced by the version being packaged (there is no package.json beside the bundle);
 * - `createRequire(import.meta.url)('x')` (lazy synchronous requires) becomes a bundled `require('x')`;
 * - the inventory worker is this same file started with ./entry.ts's INVENTORY_WORKER_ARG;
 * - mqtt.js's `worker-timers`, pino's `thread-stream` and the collector's config validator are stand-ins
 *   (./stubs/), as agent/main.ts does through the require cache.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { build, type Metafile, type Plugin } from 'esbuild';
import { INVENTORY_WORKER_ARG } from './entry-args.js';

export interface BundleOptions {
  /** The checkout's root (agent/, common/, deploy/, node_modules/). */
  root: string;
  /** The version the bundle reports (`--version`, inventory, status). */
  version: string;
  outfile: string;
}

const BANNER = [
  '#!/usr/bin/env node',
  'var __outpostMetaUrl = require("node:url").pathToFileURL(__filename).href;',
  // the single executable starts itself (argv[1] is the executable again), node starts this file
  'function __outpostWorkerArgs() { var sea = false; try { sea = require("node:sea").isSea(); } catch (e) {}' +
    ` return sea ? [${JSON.stringify(INVENTORY_WORKER_ARG)}] : [__filename, ${JSON.stringify(INVENTORY_WORKER_ARG)}]; }`,
].join('\n');

/** Replaces `from` (exactly `count` times, or at least once when count is undefined) or fails the build. */
function rewrite(file: string, text: string, from: string | RegExp, to: string, count?: number): string {
  const matches = typeof from === 'string' ? text.split(from).length - 1 : (text.match(new RegExp(from, 'g')) ?? []).length;
  if (matches === 0 || (count !== undefined && matches !== count)) {
    throw new Error(`deploy/package/bundle.ts: ${file}: expected ${count ?? 'at least one'} occurrence(s) of ${String(from)}, found ${matches}; update the bundle's rewrite`);
  }
  return typeof from === 'string' ? text.split(from).join(to) : text.replace(new RegExp(from, 'g'), to);
}

function packagedAgent(opts: BundleOptions): Plugin {
  const stub = (name: string): string => join(opts.root, 'deploy/package/stubs', name);
  return {
    name: 'outpost-packaged-agent',
    setup(b) {
      b.onResolve({ filter: /^worker-timers$/ }, () => ({ path: stub('worker-timers.ts') }));
      b.onResolve({ filter: /^thread-stream$/ }, () => ({ path: stub('thread-stream.ts') }));
      b.onLoad({ filter: /\/common\/version\.ts$/ }, () => ({
        contents: `export const OUTPOST_VERSION = ${JSON.stringify(opts.version)};\n`,
        loader: 'ts',
      }));
      b.onLoad({ filter: /\/agent\/inventory\.ts$/ }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        return { contents: rewrite('agent/inventory.ts', text, '[workerPath]', '__outpostWorkerArgs()', 1), loader: 'ts' };
      });
      b.onLoad({ filter: /\/(agent|common)\/.*\.ts$/ }, async (args) => {
        const text = await readFile(args.path, 'utf8');
        if (!text.includes('createRequire(import.meta.url)(')) return undefined;
        return { contents: rewrite(args.path, text, /createRequire\(import\.meta\.url\)\(/, 'require('), loader: 'ts' };
      });
    },
  };
}

/**
 * esbuild escapes non-ASCII characters in strings and identifiers, but not inside regular expression literals
 * (systeminformation's `°`, ping's Cyrillic). One such character makes V8 hold the whole 1.5 MB source as a
 * two-byte string; \uXXXX escapes mean the same in every place JavaScript allows them (strings, templates,
 * regular expressions, identifiers, comments).
 */
export function escapeNonAscii(source: string): string {
  // an identity escape before the character (`\°`) means the character itself: the \uXXXX escape replaces both
  // eslint-disable-next-line no-control-regex -- the ASCII range, by definition from \x00
  return source.replace(/(\\*)([^\x00-\x7f])/g, (_, slashes: string, c: string) =>
    `${slashes.length % 2 ? slashes.slice(1) : slashes}\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Writes the bundle; returns esbuild's metafile (what went in, how big). */
export async function bundleAgent(opts: BundleOptions): Promise<Metafile> {
  const result = await build({
    absWorkingDir: opts.root,
    entryPoints: [join(opts.root, 'deploy/package/entry.ts')],
    outfile: opts.outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    legalComments: 'eof',
    banner: { js: BANNER },
    define: { 'import.meta.url': '__outpostMetaUrl' },
    // optional native speed-ups of ws (mqtt over websockets); ws falls back to JavaScript without them
    external: ['bufferutil', 'utf-8-validate'],
    plugins: [packagedAgent(opts)],
    logLevel: 'warning',
    metafile: true,
  });
  await writeFile(opts.outfile, escapeNonAscii(await readFile(opts.outfile, 'utf8')));
  return result.metafile;
}
