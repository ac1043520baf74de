// `dwgd datasets fetch mnist-c | cifar-10-c` against a local server (127.0.0.1) serving the
// fixture archives of src/data/testing/benchsets/ in the published layouts: downloaded,
// checked, unpacked and loaded; a connection cut mid-way resumed with an HTTP Range request
// (within one fetch, and from the bytes a failed fetch kept); a server that ignores the range;
// a checksum mismatch rejected with nothing kept; the DWGD_MIRROR path and an HTTP proxy; and
// the pre-flight of a study naming a missing set with the command that fetches it.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadBenchmark } from '../data/benchmark-sets.js';
import { CIFAR_10_C_CANONICAL, cifar10CSpec } from '../data/cifar-10-c.js';
import { download, DownloadError, partialPath } from '../data/download.js';
import { fetchDataset, processAlive } from '../data/fetch.js';
import { MNIST_C_CANONICAL, mnistCSpec } from '../data/mnist-c.js';
import { cacheDir } from '../data/sources.js';
import type { DatasetSpec } from '../data/spec.js';
import { dataLocator } from '../experiment/locate-data.js';
import { parseOnly, planStudy } from '../experiment/plan.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const FIX = join(ROOT, 'src', 'data', 'testing', 'benchsets');
const ZIP = readFileSync(join(FIX, 'mnist_c.zip'));
const TAR = readFileSync(join(FIX, 'CIFAR-10-C.tar'));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const FILES: Record<string, Buffer> = { 'mnist_c.zip': ZIP, 'CIFAR-10-C.tar': TAR };

interface Hit { path: string; range?: string }
const hits: Hit[] = [];
const proxied: string[] = [];
let base = '';
let proxyUrl = '';
let server: http.Server;
let proxy: http.Server;

/**
 * /files/<name>: the file, honouring `Range: bytes=N-` (206); /cut/<name>: a request without a
 * range gets 40% of the file and a cut connection (with a range: served as /files); /norange/
 * <name>: always the whole file with 200; /m/<dataset>/<name>: a mirror (as /files).
 */
function serve(req: http.IncomingMessage, res: http.ServerResponse): void {
  const path = req.url ?? '';
  const range = req.headers.range;
  hits.push({ path, range });
  const m = /^\/(files|cut|norange|m\/[a-z0-9-]+)\/([^/?]+)$/.exec(path);
  const body = m ? FILES[m[2]] : undefined;
  if (!m || !body) {
    res.writeHead(404);
    res.end('not here');
    return;
  }
  const from = range ? Number(/^bytes=(\d+)-$/.exec(range)?.[1]) : 0;
  if (m[1] === 'cut' && !range) {
    res.writeHead(200, { 'content-length': body.length });
    res.write(body.subarray(0, Math.floor(body.length * 0.4)), () => setTimeout(() => req.socket.destroy(), 20));
    return;
  }
  if (range && m[1] !== 'norange') {
    res.writeHead(206, { 'content-length': body.length - from, 'content-range': `bytes ${from}-${body.length - 1}/${body.length}` });
    res.end(body.subarray(from));
    return;
  }
  res.writeHead(200, { 'content-length': body.length });
  res.end(body);
}

before(async () => {
  server = http.createServer(serve);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  // A proxy that forwards plain requests (absolute URLs) and tunnels CONNECT, noting each.
  proxy = http.createServer((req, res) => {
    proxied.push(`GET ${req.url}`);
    const url = new URL(req.url ?? '');
    const up = http.request({ host: url.hostname, port: url.port, path: url.pathname, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    up.end();
  });
  proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    proxied.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? '').split(':');
    const up = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(client);
      client.pipe(up);
    });
    up.on('error', () => client.destroy());
    client.on('error', () => up.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
  proxy.closeAllConnections();
  proxy.close();
});

const tmp = mkdtempSync(join(tmpdir(), 'dwgd-benchdl-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;
const fresh = () => mkdtempSync(join(tmp, `c${n++}-`));

/** The real spec with its archive's record pointed at the fixture on the local server. */
function specAt(spec: DatasetSpec, file: string, route: string, over: Partial<{ sha256: string }> = {}): DatasetSpec {
  const body = FILES[file];
  const canonical = spec.canonical[0];
  return { ...spec, canonical: [{ ...canonical, urls: [`${base}/${route}/${file}`], size: body.length, sha256: over.sha256 ?? sha(body) }] };
}
const ENV: NodeJS.ProcessEnv = {};

test('the recorded archives: Zenodo records 3239543 and 2535967, sizes, sha256 and md5, resumable', () => {
  assert.deepEqual(MNIST_C_CANONICAL.map((f) => [f.name, f.size, f.resumable]), [['mnist_c.zip', 246_661_575, true]]);
  assert.match(MNIST_C_CANONICAL[0].urls[0], /^https:\/\/zenodo\.org\/records\/3239543\/files\/mnist_c\.zip/);
  assert.deepEqual(CIFAR_10_C_CANONICAL.map((f) => [f.name, f.size, f.resumable]), [['CIFAR-10-C.tar', 2_918_471_680, true]]);
  assert.match(CIFAR_10_C_CANONICAL[0].urls[0], /^https:\/\/zenodo\.org\/records\/2535967\/files\/CIFAR-10-C\.tar/);
  for (const f of [...MNIST_C_CANONICAL, ...CIFAR_10_C_CANONICAL]) {
    assert.match(f.sha256, /^[0-9a-f]{64}$/);
    assert.match(f.md5 ?? '', /^[0-9a-f]{32}$/);
  }
});

test('fetch mnist-c and cifar-10-c: downloaded, verified, unpacked beside the archive, loaded; a second fetch uses the cache', async () => {
  for (const [spec, file, check] of [
    [mnistCSpec, 'mnist_c.zip', join('mnist_c', 'fog', 'test_images.npy')],
    [cifar10CSpec, 'CIFAR-10-C.tar', join('CIFAR-10-C', 'labels.npy')],
  ] as const) {
    const dir = fresh();
    const got = await fetchDataset(specAt(spec, file, 'files'), { dir, env: ENV });
    assert.deepEqual(got.map((g) => [g.cached, g.dest]), [[false, join(dir, file)]]);
    assert.deepEqual(readFileSync(join(dir, file)), FILES[file]);
    assert.ok(existsSync(join(dir, check)), `${check} unpacked`);
    const again = await fetchDataset(specAt(spec, file, 'files'), { dir, env: ENV });
    assert.equal(again[0].cached, true);
  }
});

test('a connection cut mid-way is resumed within the same fetch: the second request asks for the rest only', async () => {
  const dir = fresh();
  const before = hits.length;
  const notes: string[] = [];
  await fetchDataset(specAt(mnistCSpec, 'mnist_c.zip', 'cut'), { dir, env: ENV, events: { onNote: (m) => notes.push(m) } });
  const mine = hits.slice(before);
  const cut = Math.floor(ZIP.length * 0.4);
  assert.deepEqual(mine, [{ path: '/cut/mnist_c.zip', range: undefined }, { path: '/cut/mnist_c.zip', range: `bytes=${cut}-` }]);
  assert.equal(notes.length, 1);
  assert.match(notes[0], new RegExp(`connection closed after ${cut.toLocaleString('en-US')} of ${ZIP.length.toLocaleString('en-US')} bytes .*; ${cut.toLocaleString('en-US')} bytes kept, run the fetch again to resume; resuming$`));
  assert.deepEqual(readFileSync(join(dir, 'mnist_c.zip')), ZIP);
  assert.ok(!existsSync(partialPath(join(dir, 'mnist_c.zip'))));
  const x = loadBenchmark('mnist-c', 'identity', 1, { path: dir });
  assert.equal(x.size, 4);
});

test('a failed fetch keeps its bytes as <file>.partial; the next one resumes from them (and starts over where the server ignores ranges)', async () => {
  const dest = join(fresh(), 'CIFAR-10-C.tar');
  const target = { dest, size: TAR.length, sha256: sha(TAR), resumable: true };
  await assert.rejects(download({ ...target, url: `${base}/cut/CIFAR-10-C.tar` }, { env: ENV }), (err: unknown) => {
    assert.ok(err instanceof DownloadError && err.retryable);
    assert.match(err.message, /bytes kept, run the fetch again to resume$/);
    return true;
  });
  const cut = Math.floor(TAR.length * 0.4);
  assert.equal(statSync(partialPath(dest)).size, cut);
  assert.deepEqual(readdirSync(dirname(dest)), ['CIFAR-10-C.tar.partial'], 'only the kept bytes, never the destination');
  const before = hits.length;
  await download({ ...target, url: `${base}/files/CIFAR-10-C.tar` }, { env: ENV });
  assert.deepEqual(hits.slice(before), [{ path: '/files/CIFAR-10-C.tar', range: `bytes=${cut}-` }]);
  assert.deepEqual(readFileSync(dest), TAR);
  assert.deepEqual(readdirSync(dirname(dest)), ['CIFAR-10-C.tar']);
  // Kept bytes, but a server that answers a range request with the whole file (200).
  rmSync(dest);
  writeFileSync(partialPath(dest), TAR.subarray(0, 1000));
  const b2 = hits.length;
  await download({ ...target, url: `${base}/norange/CIFAR-10-C.tar` }, { env: ENV });
  assert.deepEqual(hits.slice(b2), [{ path: '/norange/CIFAR-10-C.tar', range: 'bytes=1000-' }]);
  assert.deepEqual(readFileSync(dest), TAR);
});

test('the temporary file of a killed fetch (kill -9) becomes the kept bytes the next fetch resumes from', async () => {
  const dir = fresh();
  // A pid that is not running: its fetch was killed outright.
  let pid = 4_000_000;
  while (processAlive(pid)) pid++;
  writeFileSync(join(dir, `mnist_c.zip.part-${pid}-abcdef`), ZIP.subarray(0, 1234));
  const before = hits.length;
  await fetchDataset(specAt(mnistCSpec, 'mnist_c.zip', 'files'), { dir, env: ENV });
  assert.deepEqual(hits.slice(before), [{ path: '/files/mnist_c.zip', range: 'bytes=1234-' }]);
  assert.deepEqual(readFileSync(join(dir, 'mnist_c.zip')), ZIP);
});

test('kept bytes that do not match the file: the resumed download fails its sha256 and nothing is kept', async () => {
  const dest = join(fresh(), 'mnist_c.zip');
  writeFileSync(partialPath(dest), Buffer.alloc(500, 7));
  await assert.rejects(download({ dest, size: ZIP.length, sha256: sha(ZIP), resumable: true, url: `${base}/files/mnist_c.zip` }, { env: ENV }),
    (err: unknown) => err instanceof DownloadError && !err.retryable && /sha256 mismatch/.test(err.message));
  assert.deepEqual(readdirSync(dirname(dest)), []);
});

test('a checksum mismatch is rejected: one line, nothing downloaded, kept or unpacked', async () => {
  const dir = fresh();
  const wrong = '0'.repeat(64);
  await assert.rejects(fetchDataset(specAt(cifar10CSpec, 'CIFAR-10-C.tar', 'files', { sha256: wrong }), { dir, env: ENV }), (err: unknown) => {
    assert.ok(err instanceof DownloadError && !err.retryable);
    assert.equal(err.message, `${base}/files/CIFAR-10-C.tar: sha256 mismatch (expected ${wrong}, got ${sha(TAR)}); the download was deleted`);
    return true;
  });
  assert.ok(!existsSync(dir) || readdirSync(dir).length === 0);
});

test('DWGD_MIRROR: the archive comes from <mirror>/<dataset>/<file> only', async () => {
  const dir = fresh();
  const before = hits.length;
  await fetchDataset(specAt(cifar10CSpec, 'CIFAR-10-C.tar', 'nowhere'), { dir, env: { DWGD_MIRROR: `${base}/m/` } });
  assert.deepEqual(hits.slice(before).map((h) => h.path), ['/m/cifar-10-c/CIFAR-10-C.tar']);
  assert.equal(loadBenchmark('cifar-10-c', 'gaussian_noise', 5, { path: dir }).size, 2);
});

test('HTTP_PROXY: the download goes through the proxy (and around it when NO_PROXY names the host)', async () => {
  const dir = fresh();
  const p0 = proxied.length;
  await fetchDataset(specAt(mnistCSpec, 'mnist_c.zip', 'files'), { dir, env: { HTTP_PROXY: proxyUrl } });
  const seen = proxied.slice(p0);
  assert.equal(seen.length, 1, String(seen));
  assert.ok(seen[0] === `GET ${base}/files/mnist_c.zip` || seen[0] === `CONNECT ${base.replace('http://', '')}`, seen[0]);
  assert.deepEqual(readFileSync(join(dir, 'mnist_c.zip')), ZIP);
  const p1 = proxied.length;
  await fetchDataset(specAt(mnistCSpec, 'mnist_c.zip', 'files'), { dir: fresh(), env: { HTTP_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' } });
  assert.equal(proxied.length, p1);
});

test('pre-flight: a study on a missing mnist-c names it with the fetch command; --only keeps that run',
  { skip: existsSync(cacheDir('mnist-c')) ? 'datasets/mnist-c exists here' : false }, () => {
    const dir = fresh();
    const file = join(dir, 'grid.yaml');
    writeFileSync(file, 'name: g\nbase: { dataset: { name: mnist }, hidden: [8], trainSize: 50, turns: 1, stepsPerTurn: 10 }\ngrid: { dataset.name: [mnist, mnist-c] }\n');
    const saved = process.env.DWGD_DATA_DIR;
    process.env.DWGD_DATA_DIR = join(dir, 'empty');
    try {
      assert.throws(() => planStudy({ preset: 'compare', files: [file], only: [parseOnly('dataset=mnist-c')], identify: dataLocator().identify }), (err: unknown) => {
        const lines = (err as Error).message.split('\n');
        assert.equal(lines.length, 1, (err as Error).message);
        assert.match(lines[0], /^mnist-c: data not found \(looked for mnist_c\/identity\/test_images\.npy, .* or mnist_c\.zip in .*\); get it with `node bin\/dwgd.js datasets fetch mnist-c`$/);
        return true;
      });
    } finally {
      if (saved === undefined) delete process.env.DWGD_DATA_DIR;
      else process.env.DWGD_DATA_DIR = saved;
    }
  });
