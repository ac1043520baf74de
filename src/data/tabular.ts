// The part the two tabular adapters share: a numeric table → a raw regression pool whose
// last column is the target. Values stay raw; prepare.ts z-scores them (docs/METHOD.md §6).

import type { NumericTable } from './formats/csv.js';
import type { DataOrigin, RawDataset } from './types.js';

export function tabularPool(
  name: string, table: NumericTable, columns: string[], targetColumn: string, origin: DataOrigin, description: string,
): RawDataset {
  const nCols = columns.length;
  const target = columns.indexOf(targetColumn);
  const features = columns.filter((c) => c !== targetColumn);
  const nInputs = features.length;
  const x = new Float32Array(table.rows * nInputs);
  const y = new Float32Array(table.rows);
  for (let i = 0; i < table.rows; i++) {
    let k = 0;
    for (let c = 0; c < nCols; c++) {
      const v = table.values[i * nCols + c];
      if (c === target) y[i] = v;
      else x[i * nInputs + k++] = v;
    }
  }
  return {
    name, kind: 'tabular', task: 'regression', size: table.rows, nInputs, nOutputs: 1, x, y,
    columns: features, targetColumn, origin, description,
  };
}
