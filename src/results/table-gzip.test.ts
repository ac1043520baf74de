// A large table is also written as table.csv.gz, and every reader takes that copy when table.csv
// is absent (a published folder may commit only the compressed one). The compressed bytes are
// checked with the system's own gzip, an implementation independent of Node's zlib.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { UserError } from '../errors.js';
import { writeTable } from './study.js';
import { gzipTable, hasTable, readTable, TABLE_FILE, TABLE_GZIP_FILE } from './table.js';

/** A table-like text with repeated config columns and non-ASCII text, as a real table has. */
function text(rows: number): string {
  const lines = ['run,method,value,dataset_description'];
  for (let i = 0; i < rows; i++) lines.push(`s${i % 7},dwm,${(i * 0.1234567).toFixed(9)},"MNIST – 28×28, ${i % 3}"`);
  return `${lines.join('\n')}\n`;
}

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'dwgd-table-gz-'));
}

test('gzipTable: the system gzip decompresses it to the exact text, and the same text gives the same bytes', () => {
  const t = text(5000);
  const packed = gzipTable(t);
  const out = spawnSync('gzip', ['-dc'], { input: packed, maxBuffer: 1 << 26 });
  assert.equal(out.status, 0, String(out.stderr));
  assert.equal(out.stdout.toString('utf8'), t);
  assert.ok(packed.length * 5 < Buffer.byteLength(t), `${packed.length} bytes from ${Buffer.byteLength(t)}`);
  assert.deepEqual(gzipTable(t), packed);
});

test('writeTable: above the size limit both files, the copy equal to the text; below it the stale copy is removed', () => {
  const dir = folder();
  try {
    const big = text(3000);
    assert.deepEqual(writeTable(dir, big, 1000), [TABLE_FILE, TABLE_GZIP_FILE]);
    assert.equal(readFileSync(join(dir, TABLE_FILE), 'utf8'), big);
    const back = spawnSync('gzip', ['-dc', join(dir, TABLE_GZIP_FILE)], { maxBuffer: 1 << 26 });
    assert.equal(back.stdout.toString('utf8'), big);
    const small = text(3);
    assert.deepEqual(writeTable(dir, small, 1000), [TABLE_FILE]);
    assert.equal(existsSync(join(dir, TABLE_GZIP_FILE)), false);
    assert.equal(readFileSync(join(dir, TABLE_FILE), 'utf8'), small);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('readTable: table.csv first, else table.csv.gz; a damaged copy is one line naming it', () => {
  const dir = folder();
  try {
    assert.equal(hasTable(dir), false);
    const t = text(200);
    // Written by the system gzip, so the reader is checked against bytes Node did not make.
    const sys = spawnSync('gzip', ['-c9'], { input: t });
    writeFileSync(join(dir, TABLE_GZIP_FILE), sys.stdout);
    assert.equal(hasTable(dir), true);
    assert.deepEqual(readTable(dir), { text: t, file: join(dir, TABLE_GZIP_FILE) });
    writeFileSync(join(dir, TABLE_FILE), 'run\nplain\n');
    assert.deepEqual(readTable(dir), { text: 'run\nplain\n', file: join(dir, TABLE_FILE) });
    rmSync(join(dir, TABLE_FILE));
    writeFileSync(join(dir, TABLE_GZIP_FILE), sys.stdout.subarray(0, 20));
    assert.throws(() => readTable(dir), (e: unknown) => e instanceof UserError && e.message.includes(TABLE_GZIP_FILE) && !e.message.includes('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
