// The download path against local servers on 127.0.0.1: a good file is verified and cached; a
// checksum mismatch, a 404 and a connection dropped mid-way fail, and after each failure the
// cache holds no partial file and an earlier copy is kept. Also: redirects, mirrors
// (DWGD_MIRROR), Ctrl-C, and HTTPS through an HTTP CONNECT proxy to a server with a self-signed
// certificate made here (trusted for the test only), with NO_PROXY, a refused tunnel and a
// tunnel that does not carry TLS, in-process and through the CLI.

import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { download, DownloadError } from '../data/download.js';
import { fetchDataset, fetchFile } from '../data/fetch.js';
import type { DatasetSpec } from '../data/spec.js';

const BODY = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 31 + 7) % 251));
const SHA = createHash('sha256').update(BODY).digest('hex');
const NO_PROXY_ENV: NodeJS.ProcessEnv = {};

let server: http.Server;
let base = '';
const hits: string[] = [];

before(async () => {
  server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    switch (req.url?.replace(/^\/mirror\/toy\//, '/')) {
      case '/good.bin':
        res.writeHead(200, { 'content-length': BODY.length });
        res.end(BODY);
        return;
      case '/redirect':
        res.writeHead(302, { location: '/good.bin' });
        res.end();
        return;
      case '/drop': {
        // Promise the whole body, send a third, then cut the connection.
        res.writeHead(200, { 'content-length': BODY.length });
        res.write(BODY.subarray(0, 70_000), () => setTimeout(() => req.socket.destroy(), 20));
        return;
      }
      case '/slow':
        res.writeHead(200, { 'content-length': BODY.length });
        res.write(BODY.subarray(0, 1000));
        return; // never finishes: the Ctrl-C test interrupts it
      default:
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not here');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

function cache(): string {
  return mkdtempSync(join(tmpdir(), 'dwgd-dl-'));
}

test('good file: downloaded, verified and renamed into place; progress reported', async () => {
  const dir = cache();
  const dest = join(dir, 'good.bin');
  let last = 0;
  await download({ url: `${base}/good.bin`, dest, size: BODY.length, sha256: SHA }, { env: NO_PROXY_ENV, onProgress: (r, t) => { last = r; assert.equal(t, BODY.length); } });
  assert.equal(last, BODY.length);
  assert.deepEqual(readFileSync(dest), BODY);
  assert.deepEqual(readdirSync(dir), ['good.bin']);
  rmSync(dir, { recursive: true });
});

test('redirects are followed', async () => {
  const dir = cache();
  await download({ url: `${base}/redirect`, dest: join(dir, 'f'), size: BODY.length, sha256: SHA }, { env: NO_PROXY_ENV });
  assert.deepEqual(readdirSync(dir), ['f']);
  rmSync(dir, { recursive: true });
});

async function failsCleanly(url: string, size: number, sha256: string, message: RegExp, retryable: boolean): Promise<void> {
  const dir = cache();
  await assert.rejects(download({ url, dest: join(dir, 'f.bin'), size, sha256 }, { env: NO_PROXY_ENV }), (e: unknown) => {
    assert.ok(e instanceof DownloadError, String(e));
    assert.match(e.message, message);
    assert.equal(e.retryable, retryable);
    return true;
  });
  assert.deepEqual(readdirSync(dir), [], 'no partial or unverified file left');
  rmSync(dir, { recursive: true });
}

test('checksum mismatch: fails loudly, the file is deleted', async () => {
  const wrong = 'ab'.repeat(32);
  await failsCleanly(`${base}/good.bin`, BODY.length, wrong, new RegExp(`good\\.bin: sha256 mismatch \\(expected ${wrong}, got ${SHA}\\); the download was deleted`), false);
});

test('size mismatch: more bytes than recorded fails, nothing left', async () => {
  await failsCleanly(`${base}/good.bin`, 1000, SHA, /more than the expected 1,000 bytes/, false);
});

test('404: fails with the status, nothing left', async () => {
  await failsCleanly(`${base}/missing.bin`, BODY.length, SHA, /missing\.bin: HTTP 404$/, true);
});

test('connection dropped mid-way: fails, no partial file left', async () => {
  await failsCleanly(`${base}/drop`, BODY.length, SHA, /drop: connection closed after [\d,]+ of 200,000 bytes/, true);
});

test('a cache folder the download created is removed again after a failure', async () => {
  const dir = cache();
  await assert.rejects(download({ url: `${base}/missing.bin`, dest: join(dir, 'new', 'f.bin'), size: 1, sha256: SHA }, { env: NO_PROXY_ENV }), /HTTP 404/);
  assert.deepEqual(readdirSync(dir), []);
  rmSync(dir, { recursive: true });
});

test('nothing listening: one line, nothing left', async () => {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  await failsCleanly(`http://127.0.0.1:${port}/x`, 10, SHA, /connection refused/, true);
});

test('fetchFile: a failing mirror is skipped, a good cached file is kept, a bad one replaced', async () => {
  const dir = cache();
  const file = { name: 'data.bin', urls: [`${base}/missing.bin`, `${base}/good.bin`], size: BODY.length, sha256: SHA };
  const notes: string[] = [];
  const first = await fetchFile(file, dir, { env: NO_PROXY_ENV, events: { onNote: (m) => notes.push(m) } });
  assert.equal(first.cached, false);
  assert.match(notes[0], /HTTP 404.*trying the next source/);
  const before = hits.length;
  const second = await fetchFile(file, dir, { env: NO_PROXY_ENV });
  assert.equal(second.cached, true);
  assert.equal(hits.length, before, 'no request for a verified cached file');
  writeFileSync(join(dir, 'data.bin'), 'corrupt');
  const third = await fetchFile(file, dir, { env: NO_PROXY_ENV });
  assert.equal(third.cached, false);
  assert.deepEqual(readFileSync(join(dir, 'data.bin')), BODY);
  // A checksum mismatch is not retried on the next mirror.
  await assert.rejects(fetchFile({ ...file, name: 'other.bin', urls: [`${base}/good.bin`, `${base}/redirect`], sha256: '0'.repeat(64) }, dir, { env: NO_PROXY_ENV }), /sha256 mismatch/);
  assert.deepEqual(readdirSync(dir).sort(), ['data.bin']);
  rmSync(dir, { recursive: true });
});

test('Ctrl-C during a download leaves no partial file, no cache folder it created, and exits 130', async () => {
  const top = cache();
  const dir = join(top, 'new-cache');
  const downloadJs = fileURLToPath(new URL('../data/download.js', import.meta.url));
  const script = `import { download } from ${JSON.stringify(downloadJs)};
    download({ url: ${JSON.stringify(`${base}/slow`)}, dest: ${JSON.stringify(join(dir, 'slow.bin'))}, size: ${BODY.length}, sha256: '${SHA}' },
      { env: {}, onProgress: () => process.stdout.write('started\\n') });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolveStarted) => child.stdout.once('data', () => resolveStarted()));
  // The write stream opens its file asynchronously: wait (up to 5 s) for the temporary file.
  for (let k = 0; k < 100 && readdirSync(dir).length === 0; k++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(readdirSync(dir).length, 1, 'the temporary file exists while downloading');
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
  assert.equal(code, 130);
  assert.deepEqual(readdirSync(top), [], 'neither the partial file nor the folder the download created');
  rmSync(top, { recursive: true });
});

test('a cached copy that fails its checksum is kept when the new download fails', async () => {
  const dir = cache();
  const dest = join(dir, 'data.bin');
  writeFileSync(dest, 'usable, but CRLF\r\n');
  const file = { name: 'data.bin', urls: [`${base}/drop`], size: BODY.length, sha256: SHA };
  await assert.rejects(fetchFile(file, dir, { env: NO_PROXY_ENV }), /connection closed after .*; the earlier copy .*data\.bin is left as it was/);
  assert.equal(readFileSync(dest, 'utf8'), 'usable, but CRLF\r\n');
  assert.deepEqual(readdirSync(dir), ['data.bin']);
  rmSync(dir, { recursive: true });
});

test('DWGD_MIRROR: files come from <mirror>/<dataset>/<file> and nowhere else', async () => {
  const dir = cache();
  const spec = { name: 'toy', canonical: [{ name: 'good.bin', urls: ['https://unreachable.invalid/good.bin'], size: BODY.length, sha256: SHA }] } as unknown as DatasetSpec;
  const before = hits.length;
  const got = await fetchDataset(spec, { dir, env: { DWGD_MIRROR: `${base}/mirror` } });
  assert.equal(got[0].cached, false);
  assert.deepEqual(hits.slice(before), ['/mirror/toy/good.bin']);
  assert.deepEqual(readFileSync(join(dir, 'good.bin')), BODY);
  await assert.rejects(fetchDataset(spec, { dir: join(dir, 'x'), env: { DWGD_MIRROR: 'not a url' } }), /DWGD_MIRROR: 'not a url' is not a URL/);
  rmSync(dir, { recursive: true });
});

// --- HTTPS through a CONNECT proxy -------------------------------------------------------

const OPENSSL = spawnSync('openssl', ['version']).status === 0;
const tls = { key: '', cert: '', dir: '' };
let httpsServer: https.Server;
let httpsBase = '';
const connects: string[] = [];
let proxyUrl = '';
let refusingProxyUrl = '';
let plainTunnelProxyUrl = '';
const proxies: http.Server[] = [];

/** A CONNECT proxy; `route` maps the requested host:port to where it really connects (or null: refuse with 403). */
async function connectProxy(route: (target: string) => string | null): Promise<string> {
  const proxy = http.createServer((_req, res) => { res.writeHead(405); res.end(); });
  proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    connects.push(req.url ?? '');
    const to = route(req.url ?? '');
    if (!to) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const [host, port] = to.split(':');
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxies.push(proxy);
  return `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
}

before(async () => {
  if (!OPENSSL) return;
  tls.dir = mkdtempSync(join(tmpdir(), 'dwgd-tls-'));
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(tls.dir, 'key.pem'), '-out', join(tls.dir, 'cert.pem')], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  tls.key = readFileSync(join(tls.dir, 'key.pem'), 'utf8');
  tls.cert = readFileSync(join(tls.dir, 'cert.pem'), 'utf8');
  httpsServer = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => server.emit('request', req, res));
  await new Promise<void>((r2) => httpsServer.listen(0, '127.0.0.1', r2));
  const httpsHost = `127.0.0.1:${(httpsServer.address() as net.AddressInfo).port}`;
  httpsBase = `https://${httpsHost}`;
  proxyUrl = await connectProxy((t) => t);
  refusingProxyUrl = await connectProxy(() => null);
  // Tunnels every request to the plain-HTTP server: TLS inside it fails.
  plainTunnelProxyUrl = await connectProxy(() => base.replace('http://', ''));
});
after(() => {
  for (const p of proxies) { p.closeAllConnections(); p.close(); }
  if (httpsServer) { httpsServer.closeAllConnections(); httpsServer.close(); }
  if (tls.dir) rmSync(tls.dir, { recursive: true, force: true });
});

const skipTls = OPENSSL ? false : 'openssl is not installed';

test('HTTPS_PROXY: the file comes through the CONNECT tunnel, TLS to the origin inside it', { skip: skipTls }, async () => {
  const dir = cache();
  const n = connects.length;
  const before = hits.length;
  await download({ url: `${httpsBase}/good.bin`, dest: join(dir, 'p.bin'), size: BODY.length, sha256: SHA }, { env: { HTTPS_PROXY: proxyUrl }, ca: tls.cert });
  assert.deepEqual(readFileSync(join(dir, 'p.bin')), BODY);
  assert.deepEqual(connects.slice(n), [httpsBase.replace('https://', '')], 'one CONNECT to the origin');
  assert.deepEqual(hits.slice(before), ['/good.bin'], 'and the GET arrived at the origin through it');
  rmSync(dir, { recursive: true });
});

test('NO_PROXY: a listed host is fetched directly, the proxy is not asked', { skip: skipTls }, async () => {
  const dir = cache();
  const n = connects.length;
  await download({ url: `${httpsBase}/good.bin`, dest: join(dir, 'p.bin'), size: BODY.length, sha256: SHA },
    { env: { HTTPS_PROXY: refusingProxyUrl, NO_PROXY: 'localhost,127.0.0.1' }, ca: tls.cert });
  assert.equal(connects.length, n);
  assert.deepEqual(readFileSync(join(dir, 'p.bin')), BODY);
  rmSync(dir, { recursive: true });
});

test('a proxy that refuses the tunnel, or a tunnel without TLS: one line, no hang, nothing left', { skip: skipTls }, async () => {
  for (const [proxy, message] of [[refusingProxyUrl, /the proxy refused the tunnel \(HTTP 403\) \(via proxy 127\.0\.0\.1:\d+/], [plainTunnelProxyUrl, /TLS failed \(ERR_SSL_WRONG_VERSION_NUMBER/]] as const) {
    const dir = cache();
    const t0 = Date.now();
    await assert.rejects(download({ url: `${httpsBase}/good.bin`, dest: join(dir, 'f.bin'), size: BODY.length, sha256: SHA }, { env: { HTTPS_PROXY: proxy }, ca: tls.cert, idleTimeoutMs: 5000 }),
      (e: unknown) => e instanceof DownloadError && message.test(e.message) && !e.message.includes('\n'));
    assert.ok(Date.now() - t0 < 4000, 'no hang');
    assert.deepEqual(readdirSync(dir), []);
    rmSync(dir, { recursive: true });
  }
});

const CLI = fileURLToPath(new URL('../../../bin/dwgd.js', import.meta.url));
const WINE_CACHE = fileURLToPath(new URL('../../../datasets/wine-quality', import.meta.url));

test('CLI: datasets fetch -q through the proxy from DWGD_MIRROR: a bad file is one line, exit 2, no empty cache folder',
  { skip: skipTls || (existsSync(WINE_CACHE) ? 'datasets/wine-quality exists here; the test needs it absent' : false) }, async () => {
    const n = connects.length;
    const before = hits.length;
    // The mirror serves 404 for the wine files: the request must reach it through the tunnel.
    // (Spawned asynchronously: the servers answering it live in this process.)
    const child = spawn(process.execPath, [CLI, 'datasets', 'fetch', 'wine-quality', '-q'], {
      stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000,
      env: { ...process.env, NO_COLOR: '1', HTTPS_PROXY: proxyUrl, NO_PROXY: '', DWGD_MIRROR: `${httpsBase}/m`, NODE_EXTRA_CA_CERTS: join(tls.dir, 'cert.pem') },
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    const status = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    const r = { status, stderr };
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^error: https:\/\/127\.0\.0\.1:\d+\/m\/wine-quality\/winequality-white\.csv: HTTP 404\n$/);
    assert.deepEqual(connects.slice(n), [httpsBase.replace('https://', '')]);
    assert.deepEqual(hits.slice(before), ['/m/wine-quality/winequality-white.csv']);
    assert.ok(!existsSync(WINE_CACHE), 'no empty datasets/wine-quality/ left');
  });

test('CLI: train -q --download with a failing download prints exactly one line', { skip: existsSync(WINE_CACHE) ? 'datasets/wine-quality exists here' : false }, async () => {
  const dir = cache();
  writeFileSync(join(dir, 'wine.yaml'), 'dataset: {name: wine-quality}\ntrainSize: 10\nturns: 1\nstepsPerTurn: 10\n');
  const child = spawn(process.execPath, [CLI, 'train', '-q', '--download', '--config', join(dir, 'wine.yaml'), '--out', join(dir, 'out')], {
    cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000,
    env: { ...process.env, NO_COLOR: '1', DWGD_DATA_DIR: join(dir, 'nothing'), DWGD_MIRROR: `${base}/m` },
  });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
  const status = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
  assert.equal(status, 2, stderr);
  assert.match(stderr, /^error: http:\/\/127\.0\.0\.1:\d+\/m\/wine-quality\/winequality-white\.csv: HTTP 404\n$/);
  assert.ok(!existsSync(WINE_CACHE));
  assert.deepEqual(readdirSync(dir), ['wine.yaml'], 'nothing written');
  rmSync(dir, { recursive: true });
});
