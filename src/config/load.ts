// Loading configs (YAML or JSON), applying `--set key=value` overrides and validating, with
// every failure reported as one line naming the file and the key path.

import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../errors.js';
import { ExperimentSchema, type ExperimentConfig } from './schema.js';

export interface Override {
  path: string[];
  value: unknown;
  /** The raw text after '=', kept for messages. */
  text: string;
  /** Set when the value was written a,b,c (not in brackets): an axis of these values, not one value. */
  values?: unknown[];
}

/** Reads a YAML or JSON file into a plain value. */
export function readConfigFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : (err as Error).message;
    throw new UserError(`config ${file}: ${why}`);
  }
  try {
    return parseYaml(text, { prettyErrors: true });
  } catch (err) {
    const first = String((err as Error).message).split('\n')[0];
    throw new UserError(`config ${file}: malformed ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${first}`);
  }
}

/** Parses one `key.path=value`; the value is read as a YAML scalar or flow collection. */
export function parseOverride(spec: string): Override {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new UserError(`--set ${spec}: expected key=value (e.g. trainSize=100)`);
  const key = spec.slice(0, eq).trim();
  const text = spec.slice(eq + 1).trim();
  const path = key.split('.');
  if (path.some((p) => !/^[A-Za-z][A-Za-z0-9_-]*$/.test(p))) throw new UserError(`--set ${spec}: '${key}' is not a key path like a.b.c`);
  // A list written a,b,c (not in brackets or quotes) is an axis of values: compare and sweep
  // run each; train, a plan of one point, refuses it.
  const axis = !/^[[{"']/.test(text) && text.includes(',');
  if (axis) {
    const values = text.split(',').map((t) => parseScalar(t.trim()));
    return { path, value: values[0], text, values };
  }
  return { path, value: parseScalar(text), text };
}

/** A value as YAML reads it (so 0.1 is a number, [a, b] a list), or the text itself. */
export function parseScalar(text: string): unknown {
  try {
    return text === '' ? '' : parseYaml(text);
  } catch {
    return text;
  }
}

/** One line for the first problem zod found: `where: key.path: what was expected`. */
export function describeZodError(where: string, error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue.path.map(String);
  const at = path.length ? path.join('.') : '(top level)';
  let what: string;
  switch (issue.code) {
    case 'unrecognized_keys':
      return `${where}: ${issue.keys.map((k) => (path.length ? `${at}.${k}` : k)).join(', ')}: unknown key${issue.keys.length > 1 ? 's' : ''}`;
    case 'invalid_type':
      what = (issue as { input?: unknown }).input === undefined
        ? `missing (expected ${issue.expected})`
        : `expected ${issue.expected}, got ${show((issue as { input?: unknown }).input)}`;
      break;
    case 'invalid_value':
      what = `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${show((issue as { input?: unknown }).input)}`;
      break;
    case 'too_small':
    case 'too_big': {
      const i = issue as unknown as { origin?: string; minimum?: number | bigint; maximum?: number | bigint; inclusive?: boolean; input?: unknown };
      const bound = issue.code === 'too_small' ? i.minimum : i.maximum;
      const op = issue.code === 'too_small' ? (i.inclusive ? '≥' : '>') : (i.inclusive ? '≤' : '<');
      what = i.origin === 'array'
        ? `expected a list of ${issue.code === 'too_small' ? 'at least' : 'at most'} ${bound} item(s)`
        : `expected a ${i.origin ?? 'value'} ${op} ${bound}${i.input === undefined ? '' : `, got ${show(i.input)}`}`;
      break;
    }
    default:
      what = issue.message;
  }
  return `${where}: ${at}: ${what}`;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + '...' : s;
}

export function validateExperiment(raw: unknown, where: string): ExperimentConfig {
  const result = ExperimentSchema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new UserError(describeZodError(where, result.error));
  return result.data;
}

/** Keys sorted at every level, so equal configs serialise equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  }
  return v;
}
