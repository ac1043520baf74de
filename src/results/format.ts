// Number formats for tables: accuracy in percent, MSE in target units.

import type { Metric } from '../experiment/evaluate.js';

export function formatMetric(metric: Metric, value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return metric === 'accuracy' ? (100 * value).toFixed(2) : value.toFixed(5);
}

export function metricLabel(metric: Metric): string {
  return metric === 'accuracy' ? 'accuracy, %' : 'MSE, target units';
}

/** A Markdown table from a header row and body rows; numbers right-aligned. */
export function markdownTable(header: string[], rows: string[][], alignRight: boolean[] = []): string {
  const sep = header.map((_, i) => (alignRight[i] ? '---:' : '---'));
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(sep), ...rows.map(line)].join('\n') + '\n';
}

/** A p-value or level in a sentence or table: four significant digits, exponent below 0.001. */
export function pText(p: number): string {
  if (Number.isNaN(p)) return '–';
  return p >= 0.001 || p === 0 ? String(Number(p.toPrecision(4))) : p.toExponential(3).replace(/\.?0+e/, 'e');
}

/** A metric value for a report: percent for accuracy, 5 decimals for MSE; '–' when absent. */
export function fmt(metric: string, v: number | null | undefined, signed = false): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return String(v);
  const s = metric === 'accuracy' ? (100 * v).toFixed(2) : v.toFixed(5);
  return signed && v >= 0 ? `+${s}` : s;
}

/** A fraction as a percentage with one decimal, signed. */
export function pct(v: number, signed = true): string {
  if (!Number.isFinite(v)) return '–';
  const s = (100 * v).toFixed(1);
  return signed && v >= 0 ? `+${s} %` : `${s} %`;
}
