// `dataset: {name: csv, path, target, features?, task, delimiter?}`: any CSV file with a header
// row as a tabular pool, prepared like the built-in tabular sets (prepare.ts z-scores the
// features, and a regression target × targetScale, with `normalize: paper | train`).
//
// - features: the listed columns in that order, default every column but the target in file
//   order; each cell must be a number, and a missing cell is an error (formats/csv.ts).
// - regression: the target column must be numeric, as the features.
// - classification: the target's distinct values (any text) are the classes, numbered
//   0 … K−1 in sorted order: numerically when every value is a number ("10" after "9"),
//   otherwise by UTF-16 code units ("B" before "a"). The mapping is in the description.

import { readFileSync, type Stats, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { DataError, UserError } from '../errors.js';
import { fileKind } from './dirs.js';
import { parseNumericTable } from './formats/csv.js';
import type { Located } from './sources.js';
import type { DatasetOptions } from './spec.js';
import { tabularPool } from './tabular.js';
import type { RawDataset } from './types.js';

export const CSV_DATASET = 'csv';
/** Where the csv adapter is defined (for the code fingerprint, data/index.ts). */
export const CSV_DATASET_MODULE = import.meta.url;

export interface CsvOptions {
  path?: string;
  target?: string;
  features?: string[];
  task?: string;
  delimiter?: string;
}

/** The one file a csv dataset reads (dataset.path, relative to the working folder). */
export function locateCsv(opts: DatasetOptions): Located {
  if (!opts.path) throw new UserError('dataset.path: a csv dataset needs the path of its CSV file');
  const p = resolve(opts.path);
  let stats: Stats;
  try {
    stats = statSync(p);
  } catch {
    throw new UserError(`dataset.path: ${p} does not exist`);
  }
  if (!stats.isFile()) throw new UserError(`dataset.path: ${p} is ${fileKind(stats)}, not a file; a csv dataset needs the CSV file itself`);
  return { origin: { kind: 'path', location: p }, paths: [p], set: 0 };
}

export function loadCsvDataset(opts: DatasetOptions): RawDataset {
  const found = locateCsv(opts);
  const file = found.paths[0];
  const { target, task } = opts;
  if (!target) throw new UserError('dataset.target: a csv dataset needs the name of its target column');
  if (task !== 'regression' && task !== 'classification') throw new UserError('dataset.task: a csv dataset needs task: regression or classification');
  const delimiter = opts.delimiter ?? ',';
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DataError(file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const header = headerOf(text, file, delimiter);
  if (!header.includes(target)) throw new DataError(file, `has no column '${target}' (dataset.target; header: ${header.join(delimiter)})`);
  const features = opts.features ?? header.filter((c) => c !== target);
  if (features.includes(target)) throw new UserError(`dataset.features: lists the target column '${target}'`);
  if (features.length === 0) throw new DataError(file, `has no feature columns besides the target '${target}'`);
  const name = basename(file);

  if (task === 'regression') {
    const columns = [...features, target];
    const table = parseNumericTable(text, file, { delimiter, columns, onMissing: 'error' });
    const description = `${table.rows.toLocaleString('en-US')} rows of ${name}, ${features.length} features, target ${target}`;
    return tabularPool(CSV_DATASET, table, columns, target, found.origin, description);
  }

  const table = parseNumericTable(text, file, { delimiter, columns: features, onMissing: 'error' });
  const labels = textColumn(text, file, delimiter, target);
  if (labels.length !== table.rows) throw new DataError(file, `has ${labels.length} target cells for ${table.rows} rows`);
  const classes = sortedClasses(labels);
  if (classes.length < 2) throw new DataError(file, `column '${target}' holds one class only (${classes[0]}); classification needs two or more`);
  const index = new Map(classes.map((c, k) => [c, k]));
  const y = Float32Array.from(labels, (l) => index.get(l)!);
  const x = new Float32Array(table.values);
  const shown = classes.length <= 12 ? classes.join(', ') : `${classes.slice(0, 12).join(', ')}, …`;
  return {
    name: CSV_DATASET, kind: 'tabular', task: 'classification', size: table.rows, nInputs: features.length, nOutputs: classes.length, x, y,
    columns: features, targetColumn: target, origin: found.origin,
    description: `${table.rows.toLocaleString('en-US')} rows of ${name}, ${features.length} features, target ${target}: ${classes.length} classes 0…${classes.length - 1} = ${shown}`,
  };
}

/** The class values in the order that numbers them 0 … K−1 (see the top of this file). */
export function sortedClasses(labels: string[]): string[] {
  const distinct = [...new Set(labels)];
  const numeric = distinct.every((v) => v.trim() !== '' && Number.isFinite(Number(v)));
  return numeric ? distinct.sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0)) : distinct.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const PARSE = { bom: true, skip_empty_lines: true, trim: true } as const;

function headerOf(text: string, file: string, delimiter: string): string[] {
  let rows: string[][];
  try {
    rows = parse(text, { ...PARSE, delimiter, to_line: 1 }) as string[][];
  } catch (err) {
    throw new DataError(file, `is not valid CSV with '${delimiter}' separators: ${(err as Error).message.split('\n')[0]}`);
  }
  if (rows.length === 0) throw new DataError(file, 'is empty (no header row)');
  return rows[0];
}

/** Every data row's cell in `column`, as text; a missing cell is an error naming its row. */
function textColumn(text: string, file: string, delimiter: string, column: string): string[] {
  const records = parse(text, { ...PARSE, delimiter }) as string[][];
  const k = records[0].indexOf(column);
  return records.slice(1).map((r, i) => {
    const cell = r[k];
    if (cell === undefined || cell === '') throw new DataError(file, `row ${i + 2}: missing value in column '${column}'`);
    return cell;
  });
}
