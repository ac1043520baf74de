// The download path against local servers on 127.0.0.1 (testing/download-servers.ts), in this
// process: a good file is verified and cached; a checksum mismatch, a 404 and a connection
// dropped mid-way fail, and after each failure the cache holds no partial file and an earlier
// copy is kept. Also: redirects, mirrors (DWGD_MIRROR), and HTTPS through an HTTP CONNECT proxy
// to a server with a self-signed certificate made here (trusted for the test only), with
// NO_PROXY, a refused tunnel and a tunnel that does not carry TLS. Ctrl-C and the CLI, which
// start processes, are in download.slow.test.ts.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { download, DownloadError } from '../data/download.js';
import { fetchDataset, fetchFile } from '../data/fetch.js';
import type { DatasetSpec } from '../data/spec.js';
import { BODY, cache, OPENSSL, SHA, startServers, type Servers } from './testing/download-servers.js';

const NO_PROXY_ENV: NodeJS.ProcessEnv = {};
let s: Servers;
before(async () => {
  s = await startServers();
});
after(() => s.close());


test('good file: downloaded, verified and renamed into place; progress reported', async () => {
  const dir = cache();
  const dest = join(dir, 'good.bin');
  let last = 0;
  await download({ url: `${s.base}/good.bin`, dest, size: BODY.length, sha256: SHA }, { env: NO_PROXY_ENV, onProgress: (r, t) => { last = r; assert.equal(t, BODY.length); } });
  assert.equal(last, BODY.length);
  assert.deepEqual(readFileSync(dest), BODY);
  assert.deepEqual(readdirSync(dir), ['good.bin']);
  rmSync(dir, { recursive: true });
});

test('redirects are followed', async () => {
  const dir = cache();
  await download({ url: `${s.base}/redirect`, dest: join(dir, 'f'), size: BODY.length, sha256: SHA }, { env: NO_PROXY_ENV });
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
  await failsCleanly(`${s.base}/good.bin`, BODY.length, wrong, new RegExp(`good\\.bin: sha256 mismatch \\(expected ${wrong}, got ${SHA}\\); the download was deleted`), false);
});

test('size mismatch: more bytes than recorded fails, nothing left', async () => {
  await failsCleanly(`${s.base}/good.bin`, 1000, SHA, /more than the expected 1,000 bytes/, false);
});

test('404: fails with the status, nothing left', async () => {
  await failsCleanly(`${s.base}/missing.bin`, BODY.length, SHA, /missing\.bin: HTTP 404$/, true);
});

test('connection dropped mid-way: fails, no partial file left', async () => {
  await failsCleanly(`${s.base}/drop`, BODY.length, SHA, /drop: connection closed after [\d,]+ of 200,000 bytes/, true);
});

test('a cache folder the download created is removed again after a failure', async () => {
  const dir = cache();
  await assert.rejects(download({ url: `${s.base}/missing.bin`, dest: join(dir, 'new', 'f.bin'), size: 1, sha256: SHA }, { env: NO_PROXY_ENV }), /HTTP 404/);
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
  const file = { name: 'data.bin', urls: [`${s.base}/missing.bin`, `${s.base}/good.bin`], size: BODY.length, sha256: SHA };
  const notes: string[] = [];
  const first = await fetchFile(file, dir, { env: NO_PROXY_ENV, events: { onNote: (m) => notes.push(m) } });
  assert.equal(first.cached, false);
  assert.match(notes[0], /HTTP 404.*trying the next source/);
  const before = s.hits.length;
  const second = await fetchFile(file, dir, { env: NO_PROXY_ENV });
  assert.equal(second.cached, true);
  assert.equal(s.hits.length, before, 'no request for a verified cached file');
  writeFileSync(join(dir, 'data.bin'), 'corrupt');
  const third = await fetchFile(file, dir, { env: NO_PROXY_ENV });
  assert.equal(third.cached, false);
  assert.deepEqual(readFileSync(join(dir, 'data.bin')), BODY);
  // A checksum mismatch is not retried on the next mirror.
  await assert.rejects(fetchFile({ ...file, name: 'other.bin', urls: [`${s.base}/good.bin`, `${s.base}/redirect`], sha256: '0'.repeat(64) }, dir, { env: NO_PROXY_ENV }), /sha256 mismatch/);
  assert.deepEqual(readdirSync(dir).sort(), ['data.bin']);
  rmSync(dir, { recursive: true });
});

test('a cached copy that fails its checksum is kept when the new download fails', async () => {
  const dir = cache();
  const dest = join(dir, 'data.bin');
  writeFileSync(dest, 'usable, but CRLF\r\n');
  const file = { name: 'data.bin', urls: [`${s.base}/drop`], size: BODY.length, sha256: SHA };
  await assert.rejects(fetchFile(file, dir, { env: NO_PROXY_ENV }), /connection closed after .*; the earlier copy .*data\.bin is left as it was/);
  assert.equal(readFileSync(dest, 'utf8'), 'usable, but CRLF\r\n');
  assert.deepEqual(readdirSync(dir), ['data.bin']);
  rmSync(dir, { recursive: true });
});

test('DWGD_MIRROR: files come from <mirror>/<dataset>/<file> and nowhere else', async () => {
  const dir = cache();
  const spec = { name: 'toy', canonical: [{ name: 'good.bin', urls: ['https://unreachable.invalid/good.bin'], size: BODY.length, sha256: SHA }] } as unknown as DatasetSpec;
  const before = s.hits.length;
  const got = await fetchDataset(spec, { dir, env: { DWGD_MIRROR: `${s.base}/mirror` } });
  assert.equal(got[0].cached, false);
  assert.deepEqual(s.hits.slice(before), ['/mirror/toy/good.bin']);
  assert.deepEqual(readFileSync(join(dir, 'good.bin')), BODY);
  await assert.rejects(fetchDataset(spec, { dir: join(dir, 'x'), env: { DWGD_MIRROR: 'not a url' } }), /DWGD_MIRROR: 'not a url' is not a URL/);
  rmSync(dir, { recursive: true });
});

const skipTls = OPENSSL ? false : 'openssl is not installed';

test('HTTPS_PROXY: the file comes through the CONNECT tunnel, TLS to the origin inside it', { skip: skipTls }, async () => {
  const dir = cache();
  const n = s.connects.length;
  const before = s.hits.length;
  await download({ url: `${s.httpsBase}/good.bin`, dest: join(dir, 'p.bin'), size: BODY.length, sha256: SHA }, { env: { HTTPS_PROXY: s.proxyUrl }, ca: s.cert });
  assert.deepEqual(readFileSync(join(dir, 'p.bin')), BODY);
  assert.deepEqual(s.connects.slice(n), [s.httpsBase.replace('https://', '')], 'one CONNECT to the origin');
  assert.deepEqual(s.hits.slice(before), ['/good.bin'], 'and the GET arrived at the origin through it');
  rmSync(dir, { recursive: true });
});

test('NO_PROXY: a listed host is fetched directly, the proxy is not asked', { skip: skipTls }, async () => {
  const dir = cache();
  const n = s.connects.length;
  await download({ url: `${s.httpsBase}/good.bin`, dest: join(dir, 'p.bin'), size: BODY.length, sha256: SHA },
    { env: { HTTPS_PROXY: s.refusingProxyUrl, NO_PROXY: 'localhost,127.0.0.1' }, ca: s.cert });
  assert.equal(s.connects.length, n);
  assert.deepEqual(readFileSync(join(dir, 'p.bin')), BODY);
  rmSync(dir, { recursive: true });
});

test('a proxy that refuses the tunnel, or a tunnel without TLS: one line, no hang, nothing left', { skip: skipTls }, async () => {
  for (const [proxy, message] of [[s.refusingProxyUrl, /the proxy refused the tunnel \(HTTP 403\) \(via proxy 127\.0\.0\.1:\d+/], [s.plainTunnelProxyUrl, /TLS failed \(ERR_SSL_WRONG_VERSION_NUMBER/]] as const) {
    const dir = cache();
    const t0 = Date.now();
    await assert.rejects(download({ url: `${s.httpsBase}/good.bin`, dest: join(dir, 'f.bin'), size: BODY.length, sha256: SHA }, { env: { HTTPS_PROXY: proxy }, ca: s.cert, idleTimeoutMs: 5000 }),
      (e: unknown) => e instanceof DownloadError && message.test(e.message) && !e.message.includes('\n'));
    assert.ok(Date.now() - t0 < 4000, 'no hang');
    assert.deepEqual(readdirSync(dir), []);
    rmSync(dir, { recursive: true });
  }
});
