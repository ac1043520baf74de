// The download path against a local HTTP server on 127.0.0.1: a good file is verified and
// cached; a checksum mismatch, a 404 and a connection dropped mid-way fail, and after each
// failure the cache holds no partial file. Also: redirects, mirrors, a CONNECT proxy, Ctrl-C.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { download, DownloadError, proxyFor } from './download.js';
import { fetchFile } from './fetch.js';

const BODY = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 31 + 7) % 251));
const SHA = createHash('sha256').update(BODY).digest('hex');
const NO_PROXY_ENV: NodeJS.ProcessEnv = {};

let server: http.Server;
let base = '';
const hits: string[] = [];

before(async () => {
  server = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    switch (req.url) {
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
  await failsCleanly(`${base}/missing.bin`, BODY.length, SHA, /missing\.bin: HTTP 404 Not Found/, true);
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

test('HTTP(S)_PROXY: the request goes through a CONNECT tunnel', async () => {
  const connects: string[] = [];
  const proxy = http.createServer((_req, res) => { res.writeHead(405); res.end(); });
  proxy.on('connect', (req, client: net.Socket, head) => {
    connects.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
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
  const proxyUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
  const dir = cache();
  await download({ url: `${base}/good.bin`, dest: join(dir, 'p.bin'), size: BODY.length, sha256: SHA }, { env: { HTTP_PROXY: proxyUrl } });
  assert.deepEqual(readFileSync(join(dir, 'p.bin')), BODY);
  assert.deepEqual(connects, [base.replace('http://', '')]);
  proxy.closeAllConnections();
  proxy.close();
  rmSync(dir, { recursive: true });
});

test('proxyFor: HTTPS_PROXY for https, HTTP_PROXY for http, NO_PROXY exceptions', () => {
  const env = { HTTPS_PROXY: 'http://proxy:3128', http_proxy: 'proxy2:8080', NO_PROXY: 'localhost,.internal.example' };
  assert.equal(proxyFor(new URL('https://www.cs.toronto.edu/x'), env)?.href, 'http://proxy:3128/');
  assert.equal(proxyFor(new URL('http://archive.ics.uci.edu/x'), env)?.host, 'proxy2:8080');
  assert.equal(proxyFor(new URL('https://a.internal.example/x'), env), null);
  assert.equal(proxyFor(new URL('https://localhost/x'), env), null);
  assert.equal(proxyFor(new URL('https://x.org/'), {}), null);
});

test('Ctrl-C during a download leaves no partial file and exits 130', async () => {
  const dir = cache();
  const downloadJs = fileURLToPath(new URL('./download.js', import.meta.url));
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
  assert.deepEqual(readdirSync(dir), []);
  assert.ok(!existsSync(join(dir, 'slow.bin')));
  rmSync(dir, { recursive: true });
});
