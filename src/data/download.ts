// A checked download: stream to a temporary name beside the destination while hashing,
// check size and sha256, then rename. Any failure (HTTP error, dropped connection, wrong
// size or checksum, Ctrl-C) deletes the temporary file, so the cache never holds a partial
// or unverified file. Proxies: Node's fetch ignores HTTPS_PROXY, so requests go through
// node:http/https, with a CONNECT tunnel through the proxy when one applies.

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, renameSync, rmdirSync, rmSync } from 'node:fs';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import { basename, dirname } from 'node:path';
import tls from 'node:tls';
import { UserError } from '../errors.js';

export interface DownloadTarget {
  url: string;
  dest: string;
  size: number;
  sha256: string;
}

export interface DownloadOptions {
  /** Where HTTPS_PROXY / HTTP_PROXY / NO_PROXY are read (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Called as bytes arrive; `total` is the recorded size. */
  onProgress?(received: number, total: number): void;
  /** Fail when no byte arrives for this long (default 30 s). */
  idleTimeoutMs?: number;
}

/** A download that failed; `retryable` is false for a checksum or size mismatch. */
export class DownloadError extends UserError {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
    this.name = 'DownloadError';
  }
}

const MAX_REDIRECTS = 5;

export async function download(target: DownloadTarget, opts: DownloadOptions = {}): Promise<void> {
  const env = opts.env ?? process.env;
  const createdDir = mkdirSync(dirname(target.dest), { recursive: true }) !== undefined;
  const temp = `${target.dest}.part-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const onSignal = () => {
    rmSync(temp, { force: true });
    process.stderr.write(`\ninterrupted: ${basename(target.dest)} not downloaded, no partial file left\n`);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const res = await get(new URL(target.url), env, opts.idleTimeoutMs ?? 30_000, 0);
    const actual = await saveBody(res, temp, target, opts);
    if (actual.size !== target.size) {
      throw new DownloadError(`${target.url}: got ${actual.size.toLocaleString('en-US')} bytes, expected ${target.size.toLocaleString('en-US')}; the download was deleted`, false);
    }
    if (actual.sha256 !== target.sha256) {
      throw new DownloadError(`${target.url}: sha256 mismatch (expected ${target.sha256}, got ${actual.sha256}); the download was deleted`, false);
    }
    renameSync(temp, target.dest);
  } catch (err) {
    rmSync(temp, { force: true });
    if (createdDir) {
      try {
        rmdirSync(dirname(target.dest)); // no empty cache folder left by a failed first fetch
      } catch {
        // no longer empty: leave it
      }
    }
    throw err;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

/** Streams the body to `temp`, hashing it; fails on a dropped connection or too many bytes. */
function saveBody(res: IncomingMessage, temp: string, target: DownloadTarget, opts: DownloadOptions): Promise<{ size: number; sha256: string }> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    const file = createWriteStream(temp);
    let received = 0;
    let failed = false;
    const fail = (err: Error) => {
      if (failed) return;
      failed = true;
      res.destroy();
      file.destroy();
      // Wait for the file handle to close before the caller deletes the file.
      file.once('close', () => reject(err));
      if (file.closed) reject(err);
    };
    res.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > target.size) {
        fail(new DownloadError(`${target.url}: more than the expected ${target.size.toLocaleString('en-US')} bytes; the download was deleted`, false));
        return;
      }
      hash.update(chunk);
      if (!file.write(chunk)) {
        res.pause();
        file.once('drain', () => res.resume());
      }
      opts.onProgress?.(received, target.size);
    });
    res.on('aborted', () => fail(dropped(target, received)));
    res.on('error', () => fail(dropped(target, received)));
    res.on('end', () => {
      if (failed) return;
      if (!res.complete) {
        fail(dropped(target, received));
        return;
      }
      file.end(() => resolvePromise({ size: received, sha256: hash.digest('hex') }));
    });
    file.on('error', (err) => fail(new DownloadError(`${temp}: cannot write (${err.message})`, false)));
  });
}

function dropped(target: DownloadTarget, received: number): DownloadError {
  return new DownloadError(`${target.url}: connection closed after ${received.toLocaleString('en-US')} of ${target.size.toLocaleString('en-US')} bytes`, true);
}

/** GET with redirects followed; resolves with a 200 response. */
async function get(url: URL, env: NodeJS.ProcessEnv, idleTimeoutMs: number, redirects: number): Promise<IncomingMessage> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new DownloadError(`${url.href}: only http and https downloads are supported`, false);
  const proxy = proxyFor(url, env);
  const res = await new Promise<IncomingMessage>((resolvePromise, reject) => {
    const fail = (err: Error) => reject(err instanceof DownloadError ? err : new DownloadError(`${url.href}: ${describeNetError(err, proxy)}`, true));
    const start = (socket?: Socket) => {
      const options: http.RequestOptions = {
        host: url.hostname,
        port: url.port || (url.protocol === 'https:' ? 443 : 80),
        path: url.pathname + url.search,
        headers: { 'user-agent': 'dwgd (dataset fetch)', accept: '*/*' },
      };
      let req: http.ClientRequest;
      if (socket) {
        // Through the tunnel: speak HTTP (inside TLS for https) over the CONNECT socket.
        const stream = url.protocol === 'https:' ? tls.connect({ socket, servername: url.hostname }) : socket;
        req = http.request({ ...options, agent: false, createConnection: () => stream });
      } else {
        req = (url.protocol === 'https:' ? https : http).request(options);
      }
      req.setTimeout(idleTimeoutMs, () => req.destroy(new Error(`no answer for ${idleTimeoutMs / 1000} s`)));
      req.on('response', (r) => {
        r.setTimeout?.(idleTimeoutMs, () => r.destroy(new Error('stalled')));
        resolvePromise(r);
      });
      req.on('error', fail);
      req.end();
    };
    if (!proxy) {
      start();
      return;
    }
    const target = `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`;
    const headers: Record<string, string> = { host: target };
    if (proxy.username) {
      const auth = `${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`;
      headers['proxy-authorization'] = `Basic ${Buffer.from(auth).toString('base64')}`;
    }
    const connect = (proxy.protocol === 'https:' ? https : http).request({
      host: proxy.hostname, port: proxy.port || (proxy.protocol === 'https:' ? 443 : 80), method: 'CONNECT', path: target, headers, agent: false,
    });
    connect.setTimeout(idleTimeoutMs, () => connect.destroy(new Error(`proxy ${proxy.host} did not answer for ${idleTimeoutMs / 1000} s`)));
    connect.on('connect', (answer, socket) => {
      connect.setTimeout(0);
      if (answer.statusCode !== 200) {
        socket.destroy();
        reject(new DownloadError(`${url.href}: proxy ${proxy.host} refused the tunnel (HTTP ${answer.statusCode} ${answer.statusMessage ?? ''})`.trimEnd(), true));
        return;
      }
      start(socket);
    });
    connect.on('error', fail);
    connect.end();
  });

  const status = res.statusCode ?? 0;
  if (status >= 300 && status < 400 && res.headers.location) {
    res.resume();
    if (redirects >= MAX_REDIRECTS) throw new DownloadError(`${url.href}: more than ${MAX_REDIRECTS} redirects`, true);
    return get(new URL(res.headers.location, url), env, idleTimeoutMs, redirects + 1);
  }
  if (status !== 200) {
    res.resume();
    throw new DownloadError(`${url.href}: HTTP ${status} ${res.statusMessage ?? ''}`.trimEnd(), true);
  }
  return res;
}

function describeNetError(err: Error, proxy: URL | null): string {
  const code = (err as NodeJS.ErrnoException).code;
  const via = proxy ? ` (via proxy ${proxy.host})` : '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `host not found${via}; are you offline?`;
  if (code === 'ECONNREFUSED') return `connection refused${via}`;
  if (code === 'ECONNRESET') return `connection reset${via}`;
  return `${err.message}${via}`;
}

/**
 * The proxy for a URL: HTTPS_PROXY for https, HTTP_PROXY for http (either case), unless
 * NO_PROXY lists the host (exact, a domain suffix like ".example.com" or "example.com", or "*").
 */
export function proxyFor(url: URL, env: NodeJS.ProcessEnv): URL | null {
  const raw = url.protocol === 'https:'
    ? env.HTTPS_PROXY ?? env.https_proxy
    : env.HTTP_PROXY ?? env.http_proxy;
  if (!raw) return null;
  const noProxy = (env.NO_PROXY ?? env.no_proxy ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  for (const entry of noProxy) {
    if (entry === '*') return null;
    const bare = entry.replace(/^\*?\./, '').replace(/:\d+$/, '');
    if (host === bare || host.endsWith(`.${bare}`)) return null;
  }
  try {
    return new URL(raw.includes('://') ? raw : `http://${raw}`);
  } catch {
    throw new UserError(`${url.protocol === 'https:' ? 'HTTPS_PROXY' : 'HTTP_PROXY'}: '${raw}' is not a proxy URL like http://proxy:3128`);
  }
}

/** sha256 of a file, streamed. */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolvePromise(hash.digest('hex')));
  });
}
