// The README's flag tables are the option tables: every command has one, and it is current.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildProgram } from './main.js';
import { COMMANDS, flagTable, syncReadme } from './options.js';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

test('the README holds a generated flag table for every command, and each is up to date (npm run docs)', () => {
  for (const c of COMMANDS) assert.ok(README.includes(`<!-- flags:${c.name} -->\n${flagTable(c)}\n<!-- /flags:${c.name} -->`), `README: the flag table of ${c.name} is missing or stale; run npm run docs`);
  assert.equal(syncReadme(README), README);
});

test('a flag table row per option, with the argument in capitals and the default', () => {
  const table = flagTable({
    name: 'x', description: '', examples: [],
    options: [{ flags: '-c, --config <file...>', description: 'files', required: true }, { flags: '-o, --out <dir>', description: 'where | how', default: 'results' }, { flags: '--set <key=value>', description: 'one', repeatable: true }],
  });
  assert.equal(table, '| flag | meaning |\n|---|---|\n| `-c, --config FILE…` | files; required |\n| `-o, --out DIR` | where \\| how (default `results`) |\n| `--set key=value` | one |');
});

test('commander registers exactly the options of each table', () => {
  const program = buildProgram();
  for (const c of COMMANDS) {
    const cmd = program.commands.find((x) => x.name() === c.name)!;
    assert.deepEqual(cmd.options.map((o) => o.flags), c.options.map((o) => o.flags), c.name);
  }
});
