// `npm run docs`: regenerates the README's flag tables from the option tables (options.ts).

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { syncReadme } from './options.js';

const README = fileURLToPath(new URL('../../../README.md', import.meta.url));
const before = readFileSync(README, 'utf8');
const after = syncReadme(before);
if (after !== before) writeFileSync(README, after);
process.stdout.write(after === before ? 'README.md: flag tables already up to date\n' : 'README.md: flag tables regenerated\n');
