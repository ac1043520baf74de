// Error and warning lines as a user meets them: an unknown option or command named with its
// did-you-mean on the same line, a YAML tag as one config error, a config key blamed as a
// config key, user text quoted and escaped, a csv path named for what it is, and the train
// command's divergence warning on stderr.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { escapeControls, quote, shownPath } from '../config/quote.js';
import { BIN } from '../experiment/testing/paths.js';
import { tempFile } from '../experiment/testing/temp.js';

function dwgd(args: string[], cwd?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The first line of stderr, after checking that no other line but commander's help hint follows. */
function oneError(r: { code: number | null; stderr: string }): string {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trimEnd().split('\n').filter((l) => l !== '(run with --help for usage)');
  assert.equal(lines.length, 1, r.stderr);
  return lines[0];
}

test('an unknown option is named, with its did-you-mean, before a missing required one', () => {
  assert.equal(oneError(dwgd(['train', '--confg', 'x.yaml'])), "error: unknown option '--confg' (did you mean --config?)");
  assert.equal(oneError(dwgd(['compare', '--confg', 'x.yaml'])), "error: unknown option '--confg' (did you mean --config?)");
  // Without an unknown option the required one is still asked for.
  assert.equal(oneError(dwgd(['train'])), "error: required option '-c, --config <file>' not specified");
});

test('an unknown command or subcommand gets its did-you-mean on the same line', () => {
  assert.equal(oneError(dwgd(['trian'])), "error: unknown command 'trian' (did you mean train?)");
  assert.equal(oneError(dwgd(['datasets', 'lst'])), "error: unknown command 'lst' (did you mean list?)");
});

test('a YAML tag in a config is one error naming the file, line and tag, and no YAMLWarning', () => {
  for (const [value, tag] of [['!custom 3', '!custom'], ['!!js/function "x"', '!!js/function'], ['!!float 10', '!!float']]) {
    const { dir, file } = tempFile('tagged.yaml', `dataset:\n  name: mnist\ntrainSize: ${value}\n`);
    const line = oneError(dwgd(['train', '--config', file, '--print-config'], dir));
    assert.equal(line, `error: config ${file}: line 3, column 12: Unresolved tag: ${tag}; a config takes plain values, without YAML tags`);
  }
  // In a --set value a tag leaves the text as it is, and the schema says what it wanted.
  const { dir, file } = tempFile('plain.yaml', 'dataset:\n  name: mnist\n');
  const r = dwgd(['train', '--config', file, '--print-config', '--set', 'trainSize=!!float 10'], dir);
  assert.doesNotMatch(r.stderr, /YAMLWarning/);
  assert.match(oneError(r), /trainSize: .*"!!float 10"/);
});

test('a bad name: key is blamed on the config key, --name on the flag, and the name is quoted and escaped', () => {
  const { dir, file } = tempFile('named.yaml', 'name: "bad\\nname/x"\ndataset:\n  name: mnist\n');
  assert.equal(oneError(dwgd(['train', '--config', file], dir)),
    `error: config ${file}: name: 'bad\\nname/x' must start with a letter or digit and hold only letters, digits, ".", "_" or "-"`);
  // --set name= renames the study first, so a good one replaces the file's.
  assert.doesNotMatch(dwgd(['train', '--config', file, '--set', 'name=ok', '--print-config'], dir).stderr, /: name: /);
  assert.match(oneError(dwgd(['train', '--config', file, '--set', 'name=a/b'], dir)), /^error: --set name=a\/b: /);
  const plain = join(dir, 'plain.yaml');
  writeFileSync(plain, 'dataset:\n  name: mnist\n');
  assert.equal(oneError(dwgd(['compare', '--config', plain, '--name', 'x\ny'], dir)),
    `error: --name: 'x\\ny' must start with a letter or digit and hold only letters, digits, ".", "_" or "-"`);
  // A flag's text is echoed escaped too.
  assert.equal(oneError(dwgd(['train', '--config', plain, '--set', 'trai\nn=3'], dir)), "error: --set trai\\nn=3: 'trai\\nn' is not a key path like a.b.c");
  assert.equal(oneError(dwgd(['compare', '--config', plain, '--only', 'x\ny'], dir)), 'error: --only x\\ny: expected key=value (e.g. dataset=mnist)');
  // A file name with a newline: the path is quoted, escaped, and the error stays one line.
  const odd = join(dir, 'we ird\n.yaml');
  writeFileSync(odd, 'dataset:\n  name: mnist\n');
  assert.match(oneError(dwgd(['train', '--config', odd], dir)), /^error: config '.*we ird\\n\.yaml': its file name gives the results folder name 'we ird\\n', /);
});

test('quote and shownPath escape control characters; plain paths stay bare', () => {
  assert.equal(escapeControls('a\nb\tc\r\u0007\u009b\u2028'), 'a\\nb\\tc\\r\\x07\\x9b\\u2028');
  assert.equal(quote('x\ny'), "'x\\ny'");
  assert.equal(shownPath('configs/paper/all.yaml'), 'configs/paper/all.yaml');
  assert.equal(shownPath('my configs/a.yaml'), "'my configs/a.yaml'");
  assert.equal(shownPath('a\u001b[31m.yaml'), "'a\\x1b[31m.yaml'");
});

test('a csv dataset.path that is a device or a FIFO is named for what it is, not as a folder', () => {
  const { dir, file } = tempFile('csv.yaml', 'dataset:\n  name: csv\n  path: /dev/zero\n  target: y\n  task: regression\nhidden: [2]\ntrainSize: 4\nturns: 1\nstepsPerTurn: 1\nmethods: [sgd]\n');
  assert.match(oneError(dwgd(['train', '--config', file, '--out', join(dir, 'r')], dir)), /^error: dataset\.path: \/dev\/zero is a character device, not a file; /);
  const fifo = join(dir, 'pipe.csv');
  execFileSync('mkfifo', [fifo]);
  writeFileSync(file, `dataset:\n  name: csv\n  path: ${fifo}\n  target: y\n  task: regression\nhidden: [2]\ntrainSize: 4\nturns: 1\nstepsPerTurn: 1\nmethods: [sgd]\n`);
  assert.match(oneError(dwgd(['train', '--config', file, '--out', join(dir, 'r')], dir)), /is a named pipe \(FIFO\), not a file; /);
  writeFileSync(file, `dataset:\n  name: csv\n  path: ${dir}\n  target: y\n  task: regression\nhidden: [2]\ntrainSize: 4\nturns: 1\nstepsPerTurn: 1\nmethods: [sgd]\n`);
  assert.match(oneError(dwgd(['train', '--config', file, '--out', join(dir, 'r')], dir)), /is a folder, not a file; /);
});

test('train writes the divergence warning to stderr; stdout holds the table and where the results are', () => {
  const rows = ['x,y'];
  for (let i = 0; i < 40; i++) rows.push(`${i},${i * 3}`);
  const { dir, file } = tempFile('toy.csv', rows.join('\n') + '\n');
  const config = join(dir, 'toy.yaml');
  writeFileSync(config, `dataset:\n  name: csv\n  path: ${file}\n  target: y\n  task: regression\nhidden: [4]\ntrainSize: 20\nturns: 1\nstepsPerTurn: 50\nlr: 1000\nmethods: [sgd]\n`);
  const r = dwgd(['train', '--config', config, '--out', join(dir, 'results'), '--quiet'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^warning: sgd diverged.*; its numbers are not a result of the method$/m);
  assert.doesNotMatch(r.stdout, /warning/);
  assert.match(r.stdout, /^results: /m);
});
