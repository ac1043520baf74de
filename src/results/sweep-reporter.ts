// The sweep reporter: a metric against the swept axes (training and evaluation), with plots,
// summary tables and an HTML page, from a study's tidy table.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeDirAtomic, writeFileAtomic } from './atomic.js';
import { reportHtml } from './html.js';
import { plotSpec, plotSvg, svgToPng } from './plots.js';
import type { Reporter } from './reporters.js';
import { buildSweepReport, plotGroups, sweepCsvs, sweepData } from './sweep-report.js';

const REPORT_FILES = ['REPORT.md', 'index.html', 'plan.json'];

export const sweepReporter: Reporter = {
  id: 'sweep',
  presets: ['sweep'],
  async write({ dir, study, views, options }) {
    const d = sweepData(study, views, options.stats);
    const groups = plotGroups(d, options.figures);
    const figures = new Map<string, string>();
    const pngs = new Map<string, Uint8Array>();
    for (const g of groups) {
      const svg = await plotSvg(g.input);
      figures.set(`plots/${g.slug}.svg`, svg);
      pngs.set(g.slug, svgToPng(svg));
    }
    writeDirAtomic(join(dir, 'plots'), (tmp) => {
      for (const g of groups) {
        writeFileSync(join(tmp, `${g.slug}.svg`), figures.get(`plots/${g.slug}.svg`)!);
        writeFileSync(join(tmp, `${g.slug}.png`), pngs.get(g.slug)!);
        writeFileSync(join(tmp, `${g.slug}.vg.json`), JSON.stringify(plotSpec(g.input), null, 1) + '\n');
      }
    });
    const csvs = sweepCsvs(d);
    for (const [name, text] of csvs) writeFileAtomic(join(dir, name), text);
    writeFileAtomic(join(dir, 'plan.json'), JSON.stringify({
      name: study.name, files: study.files, seeds: study.seeds,
      axes: d.axes.map((a) => ({ key: a.key, values: a.values, evaluationOnly: a.evaluation })),
      runs: study.runs.map((r) => ({ id: r.id, label: r.label, seed: r.config.seed, configHash: r.configHash })),
    }, null, 1) + '\n');
    const report = buildSweepReport(d, groups);
    writeFileAtomic(join(dir, 'REPORT.md'), report);
    writeFileAtomic(join(dir, 'index.html'), reportHtml(report, `dwgd sweep ${study.name}`, figures));
    return { files: [...new Set([...REPORT_FILES, ...csvs.keys()])].concat('plots/'), result: d };
  },
};
