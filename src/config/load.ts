// Loading configs (YAML or JSON), applying `--set key=value` overrides and validating, with
// every failure reported as one line naming the file and the key path.

import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { UserError } from '../errors.js';
import { checkConfigFileSize, checkRunLimits } from './limits.js';
import { ExperimentSchema, type ExperimentConfig } from './schema.js';
import { escapeControls, quote, shownPath } from './quote.js';
import { closest } from './suggest.js';

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
  checkConfigFileSize(file);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : (err as Error).message;
    throw new UserError(`config ${shownPath(file)}: ${why}`);
  }
  const where = `config ${shownPath(file)}: malformed ${extname(file) === '.json' ? 'JSON' : 'YAML'}`;
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { prettyErrors: true });
  } catch (err) {
    throw new UserError(`${where}: ${parserMessage(err as Error)}`);
  }
  if (doc.errors.length) throw new UserError(`${where}: ${parserMessage(doc.errors[0])}`);
  // A tag (`!custom`, `!!js/function`, `!!float 10`), or anything else the YAML library would
  // warn about in a multi-line process warning, is one error here: a config holds plain values.
  if (doc.warnings.length) {
    const w = doc.warnings[0];
    const hint = w.code === 'TAG_RESOLVE_FAILED' ? '; a config takes plain values, without YAML tags' : '';
    throw new UserError(`config ${shownPath(file)}: ${parserMessage(w)}${hint}`);
  }
  return doc.toJS();
}

/** The YAML parser's message as "line L, column C: what" (its own text ends in a source excerpt). */
function parserMessage(err: Error): string {
  const pos = (err as { linePos?: { line: number; col: number }[] }).linePos?.[0];
  const what = String(err.message).split('\n')[0].replace(/ at line \d+, column \d+:?$/, '').replace(/:$/, '').replace(/\btag:yaml\.org,2002:/g, '!!');
  return pos ? `line ${pos.line}, column ${pos.col}: ${what}` : what;
}

/** Parses one `key.path=value`; the value is read as a YAML scalar or flow collection. */
export function parseOverride(spec: string): Override {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new UserError(`--set ${escapeControls(spec)}: expected key=value (e.g. trainSize=100)`);
  const key = spec.slice(0, eq).trim();
  const text = spec.slice(eq + 1).trim();
  const path = key.split('.');
  if (path.some((p) => !/^[A-Za-z][A-Za-z0-9_-]*$/.test(p))) throw new UserError(`--set ${escapeControls(spec)}: ${quote(key)} is not a key path like a.b.c`);
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
  if (text === '') return '';
  // Text YAML cannot read, or that carries a tag (`!!float 10`), stays text (and the schema
  // names the key if it wanted something else); nothing is printed as a YAML warning.
  const doc = parseDocument(text);
  return doc.errors.length || doc.warnings.length ? text : doc.toJS();
}

/**
 * One line for what zod found: with unknown keys, each (with a did-you-mean from `schema`) and
 * every other problem together; else the first problem: `where: key.path: what was expected`.
 */
export function describeZodError(where: string, error: z.ZodError, schema: z.ZodType = ExperimentSchema): string {
  const unknown = error.issues.filter((i) => i.code === 'unrecognized_keys');
  const topUnknown = unknown.filter((i) => i.path.length === 0).flatMap((i) => (i as { keys: string[] }).keys);
  if (schema === ExperimentSchema && (topUnknown.includes('base') || topUnknown.includes('grid'))) {
    return `${where}: a grid file (it has base: and grid:), not one experiment; run it with \`dwgd compare --config …\` or \`dwgd sweep --config …\``;
  }
  if (unknown.length === 0) return `${where}: ${describeIssue(error.issues[0])}`;
  // With a typo the other problems are often its echo (a key reported missing): show them all.
  const parts = [
    ...unknown.flatMap((i) => (i as { keys: string[] }).keys.map((k) => {
      const at = keyPath([...i.path, k]);
      const guess = closest(k, keysAt(schema, i.path));
      return `${at}: unknown key${guess ? ` (did you mean ${keyPath([...i.path, guess])}?)` : ''}`;
    })),
    ...error.issues.filter((i) => i.code !== 'unrecognized_keys').map(describeIssue),
  ];
  return `${where}: ${parts.slice(0, 8).join('; ')}${parts.length > 8 ? `; and ${parts.length - 8} more` : ''}`;
}

/** A key path as written in messages: `methods[2].params.beta1`. */
function keyPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const at = issue.path.length ? keyPath(issue.path) : '(top level)';
  const input = (issue as { input?: unknown }).input;
  let what: string;
  switch (issue.code) {
    case 'invalid_type':
      what = input === undefined ? `missing (expected ${issue.expected})` : `expected ${issue.expected}, got ${show(input)}`;
      break;
    case 'invalid_value':
      what = `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${show(input)}`;
      break;
    case 'too_small':
    case 'too_big': {
      const i = issue as unknown as { origin?: string; minimum?: number | bigint; maximum?: number | bigint; inclusive?: boolean };
      const bound = issue.code === 'too_small' ? i.minimum : i.maximum;
      const op = issue.code === 'too_small' ? (i.inclusive ? '≥' : '>') : (i.inclusive ? '≤' : '<');
      what = i.origin === 'array'
        ? `expected a list of ${issue.code === 'too_small' ? 'at least' : 'at most'} ${bound} item(s)`
        : i.origin === 'string'
          ? `expected text of ${issue.code === 'too_small' ? 'at least' : 'at most'} ${bound} character(s)`
          : `expected a ${i.origin ?? 'value'} ${op} ${bound}${input === undefined ? '' : `, got ${show(input)}`}`;
      break;
    }
    case 'invalid_union': {
      // The branch that got past the value's type (a list of mappings given where a mapping or a
      // list was allowed) says what is wrong inside; else name the types the branches expected.
      const branches = (issue as unknown as { errors?: z.core.$ZodIssue[][] }).errors ?? [];
      const deeper = branches.find((b) => b.length > 0 && !(b[0].code === 'invalid_type' && b[0].path.length === 0));
      if (deeper) return describeIssue({ ...deeper[0], path: [...issue.path, ...deeper[0].path] } as z.core.$ZodIssue);
      const expected = branches.map((b) => (b[0]?.code === 'invalid_type' ? String(b[0].expected) : '')).filter((e) => e !== '');
      what = expected.length ? `expected ${expected.join(' or ')}, got ${show(input)}` : issue.message;
      break;
    }
    default:
      what = issue.message;
  }
  return `${at}: ${what}`;
}

/** The keys a (nested) object schema allows at `path`, looking through defaults, optionals and lists. */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let node: z.ZodType | undefined = unwrap(schema);
  for (const part of path) {
    if (!node) return [];
    const def = node._zod.def as { type: string; shape?: Record<string, z.ZodType>; element?: z.ZodType };
    if (def.type === 'object' && typeof part === 'string') node = unwrap(def.shape![part]);
    else if (def.type === 'array' && typeof part === 'number') node = unwrap(def.element!);
    else return [];
  }
  const def = node?._zod.def as { type: string; shape?: Record<string, z.ZodType> } | undefined;
  return def?.type === 'object' ? Object.keys(def.shape!) : [];
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let s = schema;
  while (s && ['default', 'optional', 'nullable', 'prefault', 'pipe'].includes(s._zod.def.type)) {
    // A pipe (a schema with a transform, as ExperimentSchema's expansion of `all`): its input side.
    const def = s._zod.def as unknown as { type: string; innerType: z.ZodType; in: z.ZodType };
    s = def.type === 'pipe' ? def.in : def.innerType;
  }
  return s;
}

function show(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number' && !Number.isFinite(v)) return `${Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf'} (not a finite number)`;
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? s.slice(0, 57) + '...' : s;
}

/** A validated config with every default filled; `allowLarge` lifts the memory limit (--allow-large). */
export function validateExperiment(raw: unknown, where: string, allowLarge = false): ExperimentConfig {
  const result = ExperimentSchema.safeParse(raw, { reportInput: true });
  if (!result.success) throw new UserError(describeZodError(where, result.error));
  checkRunLimits(result.data, where, allowLarge);
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
