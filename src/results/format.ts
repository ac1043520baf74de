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
