// The robustness reporter (sweep studies, and the final stage of `dwgd tune`, whose runs were
// evaluated on corruptions or under attacks): reads each run's diagnostics from its run.json
// (the tidy table does not carry them), computes the robustness data (robustness.ts) from the
// table's views, writes ROBUSTNESS.md, robustness.csv and robustness/ (SVG, PNG), and rewrites
// index.html as the study's REPORT.md followed by this one. Writes nothing for a study with
// neither. In a fair comparison's final stage CE and mCE are normalised by sgd's one-shot
// default (`sgd-default`) unless --robust-baseline names another of its methods.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeDirAtomic, writeFileAtomic } from './atomic.js';
import { reportHtml } from './html.js';
import { plotSvg, svgToPng } from './plots.js';
import type { Reporter } from './reporters.js';
import { isDualEntry, methodId } from '../config/methods.js';
import { hasAttacks, hasCorruptions, robustnessData } from './robustness.js';
import { robustnessCsv, robustnessMarkdown, robustnessPlots } from './robustness-report.js';
import { readStoredRun } from './run-record.js';
import type { ModelDiagnostics } from '../experiment/record.js';

/** The CE baseline of a fair comparison's final stage when none is declared: sgd at its one-shot default. */
export const FAIR_ROBUST_BASELINE = 'sgd-default';

export const robustnessReporter: Reporter = {
  id: 'robustness',
  presets: ['sweep', 'fair'],
  async write({ dir, study, views, options }) {
    if (!hasCorruptions(views) && !hasAttacks(views)) return { files: [], result: null };
    const diagnostics = new Map<string, Record<string, ModelDiagnostics | undefined>>();
    const attackTestSizes = new Map<string, number>();
    const dualMethods = new Set<string>();
    for (const v of views) {
      const stored = readStoredRun(join(dir, 'runs', v.run));
      if (stored) diagnostics.set(v.run, Object.fromEntries(Object.entries(stored.record.methods).map(([m, x]) => [m, x.diagnostics])));
      for (const e of stored?.config.methods ?? []) if (isDualEntry(e)) dualMethods.add(methodId(e));
      if (stored?.record.attack) attackTestSizes.set(v.run, stored.record.attack.testSize);
    }
    const fair = study.preset === 'fair';
    const d = robustnessData(views, { baseline: options.robustBaseline, defaultBaseline: fair ? FAIR_ROBUST_BASELINE : undefined, stats: options.stats, diagnostics, attackTestSizes, dualMethods });
    const plots = robustnessPlots(d, study.seeds);
    const figures = new Map<string, string>();
    for (const p of plots) figures.set(`robustness/${p.slug}.svg`, await plotSvg(p.input));
    writeDirAtomic(join(dir, 'robustness'), (tmp) => {
      for (const p of plots) {
        const svg = figures.get(`robustness/${p.slug}.svg`)!;
        writeFileSync(join(tmp, `${p.slug}.svg`), svg);
        writeFileSync(join(tmp, `${p.slug}.png`), svgToPng(svg));
      }
    });
    const md = robustnessMarkdown(study.name, d, plots, fair);
    writeFileAtomic(join(dir, 'ROBUSTNESS.md'), md);
    writeFileAtomic(join(dir, 'robustness.csv'), robustnessCsv(d));
    // index.html: the study's report (written before this one, registry order), then this one.
    const sweepMd = existsSync(join(dir, 'REPORT.md')) ? readFileSync(join(dir, 'REPORT.md'), 'utf8') : '';
    for (const m of sweepMd.matchAll(/\]\((plots\/[^)]+\.svg)\)/g)) {
      const file = join(dir, m[1]);
      if (existsSync(file)) figures.set(m[1], readFileSync(file, 'utf8'));
    }
    const demoted = md.replace(/^(#{1,3}) /gm, '#$1 ');
    writeFileAtomic(join(dir, 'index.html'), reportHtml(sweepMd ? `${sweepMd}\n${demoted}` : md, fair ? `dwgd tune ${study.name}: final` : `dwgd sweep ${study.name}`, figures));
    // index.html is already among the sweep's (the fair) reporter's files.
    return { files: ['ROBUSTNESS.md', 'robustness.csv', 'robustness/'], result: d };
  },
};
