// Numeric tables from CSV files (California Housing, Wine Quality), read with csv-parse.
// Every cell of a kept column must be a finite number; a missing cell either drops its row
// (California Housing, as the authors' dropna()) or is an error. No NaN gets through.

import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { DataError } from '../../errors.js';

/** The largest finite 32-bit float. */
const FLOAT32_MAX = 3.4028234663852886e38;

export interface TableSpec {
  /** Field separator: ',' or ';'. */
  delimiter: string;
  /** Columns to keep, by header name, in this order (all must be present; others are ignored). */
  columns: string[];
  /** What to do with a row where a kept column is empty: drop the row, or fail. */
  onMissing: 'drop' | 'error';
}

export interface NumericTable {
  /** Row-major, rows × columns.length, in the order of `spec.columns`. */
  values: Float64Array;
  rows: number;
  /** Data rows in the file (before dropping). */
  rowsInFile: number;
  /** Rows dropped for a missing value. */
  dropped: number;
}

export function readNumericTable(file: string, spec: TableSpec): NumericTable {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new DataError(file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseNumericTable(text, file, spec);
}

/** Parses CSV text; `file` only names the source in messages. */
export function parseNumericTable(text: string, file: string, spec: TableSpec): NumericTable {
  let records: string[][];
  try {
    records = parse(text, { delimiter: spec.delimiter, bom: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (err) {
    throw new DataError(file, `is not valid CSV with '${spec.delimiter}' separators: ${firstLine((err as Error).message)}`);
  }
  if (records.length === 0) throw new DataError(file, 'is empty (no header row)');
  const header = records[0];
  if (header.length === 1 && spec.delimiter !== ',' && header[0].includes(',')) {
    throw new DataError(file, `has one column only: expected '${spec.delimiter}' as separator, the header looks comma-separated`);
  }
  const index = spec.columns.map((name) => header.indexOf(name));
  const missing = spec.columns.filter((_, k) => index[k] < 0);
  if (missing.length > 0) {
    throw new DataError(file, `lacks column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} (header: ${header.join(spec.delimiter)})`);
  }

  const nCols = spec.columns.length;
  const rowsInFile = records.length - 1;
  const values = new Float64Array(rowsInFile * nCols);
  let rows = 0;
  let dropped = 0;
  for (let r = 1; r < records.length; r++) {
    const record = records[r];
    const line = r + 1; // header is line 1 (blank lines are skipped, so this is the record number + 1)
    let hasMissing = false;
    for (let c = 0; c < nCols; c++) {
      const cell = record[index[c]];
      if (cell === undefined || cell === '') {
        hasMissing = true;
        if (spec.onMissing === 'error') throw new DataError(file, `row ${line}: missing value in column '${spec.columns[c]}'`);
        break;
      }
      const v = Number(cell);
      if (!Number.isFinite(v) || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(cell)) {
        throw new DataError(file, `row ${line}: column '${spec.columns[c]}' holds ${shownCell(cell)}, not a number`);
      }
      // Samples are kept as 32-bit floats: a larger value would become Infinity and every metric NaN.
      if (Math.abs(v) > FLOAT32_MAX) {
        throw new DataError(file, `row ${line}: column '${spec.columns[c]}' holds ${cell}, beyond the ±3.4e38 a 32-bit float can hold`);
      }
      values[rows * nCols + c] = v;
    }
    if (hasMissing) {
      dropped++;
      continue;
    }
    rows++;
  }
  if (rows === 0) throw new DataError(file, `has no complete data rows (${rowsInFile} in the file)`);
  return { values: values.slice(0, rows * nCols), rows, rowsInFile, dropped };
}

function firstLine(message: string): string {
  return message.split('\n')[0];
}

/** A cell as an error line shows it: quoted, with line breaks and other control characters escaped (a quoted CSV cell may span lines). */
function shownCell(cell: string): string {
  const shown = JSON.stringify(cell.length > 40 ? cell.slice(0, 37) + '...' : cell);
  return `'${shown.slice(1, -1)}'`;
}
