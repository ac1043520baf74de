// The compare reporter: the paper's tables, claims, curves and HTML (compare-report.ts) from a
// study's tidy table.

import { AUTHORS_FILE, COMPARE_FILES, readAuthors, writeCompareOutputs } from './compare-report.js';
import type { Aggregate } from './aggregate.js';
import type { ClaimCheck } from './report.js';
import type { Reporter } from './reporters.js';

export interface CompareResult {
  agg: Aggregate;
  check: ClaimCheck;
}

export const compareReporter: Reporter = {
  id: 'compare',
  presets: ['compare'],
  async write({ dir, study, views, options }) {
    const authors = readAuthors(options.authorsFile ?? AUTHORS_FILE);
    const result: CompareResult = await writeCompareOutputs(dir, study, views, authors, options.figures, options.stats);
    return { files: COMPARE_FILES, result };
  },
};
