// The benchmark archives through processes: Ctrl-C during a resumable download keeps the bytes
// received as <file>.partial (and says so), exit 130; `dwgd datasets fetch mnist-c` from a local
// DWGD_MIRROR serving the small fixture zip (not the published bytes) fails its sha256 check in
// one line, exit 2, leaving neither the file, nor a .partial, nor an empty datasets/mnist-c/;
// and `train --download` on a config scored on MNIST-C (evaluate.benchmark) fetches the set first.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import http from 'node:http';
import type net from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BODY, cache, SHA, startServers, type Servers } from './testing/download-servers.js';

let s: Servers;
let mirror: http.Server;
let mirrorBase = '';
const mirrorHits: string[] = [];
const ZIP = readFileSync(fileURLToPath(new URL('../../../src/data/testing/benchsets/mnist_c.zip', import.meta.url)));
before(async () => {
  s = await startServers();
  mirror = http.createServer((req, res) => {
    mirrorHits.push(req.url ?? '');
    res.writeHead(200, { 'content-length': ZIP.length });
    res.end(ZIP);
  });
  await new Promise<void>((r) => mirror.listen(0, '127.0.0.1', r));
  mirrorBase = `http://127.0.0.1:${(mirror.address() as net.AddressInfo).port}`;
});
after(() => {
  s.close();
  mirror.closeAllConnections();
  mirror.close();
});

test('Ctrl-C during a resumable download keeps the bytes received as <file>.partial, says so, exits 130', async () => {
  const dir = cache();
  const downloadJs = fileURLToPath(new URL('../data/download.js', import.meta.url));
  const script = `import { download } from ${JSON.stringify(downloadJs)};
    download({ url: ${JSON.stringify(`${s.base}/slow`)}, dest: ${JSON.stringify(join(dir, 'big.tar'))}, size: ${BODY.length}, sha256: '${SHA}', resumable: true },
      { env: {}, onProgress: () => process.stdout.write('started\\n') });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
  await new Promise<void>((r) => child.stdout.once('data', () => r()));
  for (let k = 0; k < 100 && readdirSync(dir).length === 0; k++) await new Promise((r) => setTimeout(r, 50));
  // The server sends 1,000 bytes then stalls: wait until they are on disk.
  const temp = () => readdirSync(dir).find((n) => n.startsWith('big.tar.part-'));
  for (let k = 0; k < 100 && !(temp() && statSync(join(dir, temp()!)).size === 1000); k++) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  assert.equal(code, 130);
  assert.deepEqual(readdirSync(dir), ['big.tar.partial']);
  assert.equal(statSync(join(dir, 'big.tar.partial')).size, 1000);
  assert.match(stderr, /interrupted: big\.tar not complete; 1,000 bytes kept in big\.tar\.partial, the next fetch resumes from them/);
  rmSync(dir, { recursive: true });
});

const CLI = fileURLToPath(new URL('../../../bin/dwgd.js', import.meta.url));
const CACHE = fileURLToPath(new URL('../../../datasets/mnist-c', import.meta.url));

test('CLI: datasets fetch mnist-c from DWGD_MIRROR serving other bytes: one line, exit 2, nothing left', { skip: existsSync(CACHE) ? 'datasets/mnist-c exists here' : false }, async () => {
  const child = spawn(process.execPath, [CLI, 'datasets', 'fetch', 'mnist-c', '-q'], {
    stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000,
    env: { ...process.env, NO_COLOR: '1', DWGD_MIRROR: `${mirrorBase}/m` },
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
  const status = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  assert.equal(status, 2, stderr);
  assert.match(stderr, new RegExp(`^error: http://127\\.0\\.0\\.1:\\d+/m/mnist-c/mnist_c\\.zip: got ${ZIP.length.toLocaleString('en-US')} bytes, expected 246,661,575; the download was deleted\\n$`));
  assert.deepEqual(mirrorHits, ['/m/mnist-c/mnist_c.zip']);
  assert.ok(!existsSync(CACHE), 'no datasets/mnist-c/ left');
});

test('CLI: train --download on a config scored on MNIST-C (evaluate.benchmark) fetches the set before any run', { skip: existsSync(CACHE) ? 'datasets/mnist-c exists here' : false }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dwgd-benchdl-'));
  const config = join(dir, 'b.yaml');
  writeFileSync(config, 'dataset: { name: mnist, pool: paper }\nhidden: [4]\ntrainSize: 20\nturns: 1\nstepsPerTurn: 5\nmethods: [sgd]\nevaluate: { benchmark: [fog], severity: [1] }\n');
  const before = mirrorHits.length;
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', DWGD_MIRROR: `${mirrorBase}/m` };
  delete env.DWGD_DATA_DIR;
  const child = spawn(process.execPath, [CLI, 'train', '--config', config, '--out', join(dir, 'out'), '--download'], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, env });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
  const status = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  // The mirror serves the fixture's bytes, not the published ones: the checked download refuses them.
  assert.equal(status, 2, stderr);
  assert.deepEqual(mirrorHits.slice(before), ['/m/mnist-c/mnist_c.zip']);
  assert.match(stderr, /mnist_c\.zip: got [\d,]+ bytes, expected 246,661,575; the download was deleted\n$/);
  assert.ok(!existsSync(join(dir, 'out')), 'no run started');
  assert.ok(!existsSync(CACHE), 'no datasets/mnist-c/ left');
  rmSync(dir, { recursive: true, force: true });
});
