/**
 * Strict YAML configuration: `${ENV}` / `${ENV:-default}` substitution in string values, a zod schema with
 * unknown keys rejected, and every problem listed with its path (never just the first).
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { z } from 'zod';

export interface ConfigProblem {
  /** Dotted path with array indexes, e.g. `checks[2].interval`; empty for the whole file. */
  path: string;
  message: string;
}

export type ConfigResult<T> = { ok: true; config: T } | { ok: false; problems: ConfigProblem[] };

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(`${file}: ${problems.length} problem(s):\n${formatProblems(problems)}`);
    this.name = 'ConfigError';
  }
}

export function formatProblems(problems: ConfigProblem[]): string {
  return problems.map((p) => `  - ${p.path || '(root)'}: ${p.message}`).join('\n');
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

export function zodProblems(error: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({ path: formatPath([...prefix, ...issue.path, key]), message: 'unknown key' });
      }
      continue;
    }
    problems.push({ path: formatPath([...prefix, ...issue.path]), message: issue.message });
  }
  return problems;
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Replaces `${NAME}` / `${NAME:-default}` in every string of a parsed document; unknown names are problems. */
export function substituteEnv(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  problems: ConfigProblem[],
  path: PropertyKey[] = [],
): unknown {
  if (typeof value === 'string') {
    return value.replace(ENV_REF, (_whole, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined) return found;
      if (fallback !== undefined) return fallback;
      problems.push({ path: formatPath(path), message: `environment variable ${name} is not set` });
      return '';
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => substituteEnv(item, env, problems, [...path, i]));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = substituteEnv(item, env, problems, [...path, key]);
    return out;
  }
  return value;
}

/** Parses YAML text against a schema. Pure: the caller supplies the environment. */
export function parseConfigText<S extends z.ZodType>(
  text: string,
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
): ConfigResult<z.output<S>> {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => ({ path: '', message: `YAML syntax: ${e.message.split('\n')[0]}` })),
    };
  }
  const raw = doc.toJS() ?? {};
  const problems: ConfigProblem[] = [];
  const substituted = substituteEnv(raw, env, problems);
  const parsed = schema.safeParse(substituted);
  if (!parsed.success) problems.push(...zodProblems(parsed.error));
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  return { ok: true, config: parsed.data };
}

/** Reads and parses a config file; an unreadable file is reported as a problem, never thrown. */
export async function loadConfigFile<S extends z.ZodType>(
  file: string,
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
): Promise<ConfigResult<z.output<S>>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return { ok: false, problems: [{ path: '', message: `cannot read ${file}: ${code}` }] };
  }
  return parseConfigText(text, schema, env);
}
