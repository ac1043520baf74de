// A checked download: stream to a temporary name beside the destination while hashing,
// check size and sha256, then rename over the destination. Any failure (HTTP error, dropped
// connection, wrong size or checksum, Ctrl-C) deletes the temporary file and leaves whatever
// was at the destination as it was, so the cache never holds a partial or unverified file.
// A resumable target (the multi-gigabyte benchmark archives) is the one exception: a transfer
// cut short (dropped connection, Ctrl-C) keeps its bytes as `<dest>.partial`, and the next
// download of it asks for the rest only (an HTTP Range request), hashing the kept bytes first;
// a server that ignores the range sends the whole file again and the kept bytes are dropped.
// The partial file is never the destination: only a complete file with the recorded size and
// sha256 is renamed there.
// Requests go through undici's EnvHttpProxyAgent: HTTPS_PROXY / HTTP_PROXY (a CONNECT tunnel)
// unless NO_PROXY lists the host.

import { createHash, type Hash } from 'node:crypto';
import { closeSync, createReadStream, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import { UserError } from '../errors.js';
import { makeDirs, removeMadeDirs } from './dirs.js';

export interface DownloadTarget {
  url: string;
  dest: string;
  size: number;
  sha256: string;
  /** Keep the bytes of a broken transfer in `<dest>.partial` and continue from them next time. */
  resumable?: boolean;
}

/** Where a resumable download keeps the bytes of a broken transfer. */
export function partialPath(dest: string): string {
  return `${dest}.partial`;
}

export interface DownloadOptions {
  /** Where HTTPS_PROXY / HTTP_PROXY / NO_PROXY are read (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Called as bytes arrive; `total` is the recorded size. */
  onProgress?(received: number, total: number): void;
  /** Fail when no byte arrives for this long (default 30 s). */
  idleTimeoutMs?: number;
  /** Certificates (PEM) to trust besides the system's, e.g. a test server's. */
  ca?: string | Buffer;
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
  const idle = opts.idleTimeoutMs ?? 30_000;
  const dir = dirname(target.dest);
  const madeDirs = makeDirs(dir);
  const temp = `${target.dest}.part-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const partial = partialPath(target.dest);
  // Claim the bytes an earlier broken transfer kept (a rename: two fetches never share them).
  let kept = 0;
  if (target.resumable) {
    try {
      renameSync(partial, temp);
      kept = statSync(temp).size;
      if (kept >= target.size) {
        rmSync(temp, { force: true });
        kept = 0;
      }
    } catch {
      kept = 0;
    }
  }
  /** True when the bytes so far were kept for a later resume. */
  const cleanUp = (keep: boolean): boolean => {
    if (keep && target.resumable && fileSize(temp) > 0) {
      renameSync(temp, partial);
      return true;
    }
    rmSync(temp, { force: true });
    removeMadeDirs(madeDirs); // no empty cache folder left by a failed first fetch
    return false;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    const keptNow = cleanUp(true);
    process.stderr.write(keptNow
      ? `\ninterrupted: ${basename(target.dest)} not complete; ${fileSize(partial).toLocaleString('en-US')} bytes kept in ${basename(partial)}, the next fetch resumes from them\n`
      : `\ninterrupted: ${basename(target.dest)} not downloaded, nothing partial left\n`);
    process.exit(signal === 'SIGTERM' ? 143 : 130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const agent = makeAgent(env, opts.ca, idle);
  try {
    const res = await get(new URL(target.url), agent, env, idle, 0, kept);
    // 206: the server sends the rest; 200: it ignored the range and sends everything again.
    const start = res.status === 206 ? kept : 0;
    const actual = await saveBody(res.body, temp, target, opts, start);
    if (actual.size !== target.size) {
      throw new DownloadError(`${target.url}: got ${actual.size.toLocaleString('en-US')} bytes, expected ${target.size.toLocaleString('en-US')}; the download was deleted`, false);
    }
    if (actual.sha256 !== target.sha256) {
      throw new DownloadError(`${target.url}: sha256 mismatch (expected ${target.sha256}, got ${actual.sha256}); the download was deleted`, false);
    }
    renameSync(temp, target.dest);
  } catch (err) {
    // Only a transfer cut short is worth resuming; a wrong size or checksum starts over.
    const keptNow = cleanUp(err instanceof DownloadError && err.retryable);
    if (keptNow && err instanceof DownloadError) {
      throw new DownloadError(`${err.message}; ${fileSize(partial).toLocaleString('en-US')} bytes kept, run the fetch again to resume`, true);
    }
    throw err;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await agent.destroy().catch(() => {});
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function makeAgent(env: NodeJS.ProcessEnv, ca: string | Buffer | undefined, idle: number): Dispatcher {
  const tls = ca ? { ca } : undefined;
  const httpProxy = env.HTTP_PROXY ?? env.http_proxy ?? '';
  const httpsProxy = env.HTTPS_PROXY ?? env.https_proxy ?? '';
  for (const [name, value] of [['HTTP_PROXY', httpProxy], ['HTTPS_PROXY', httpsProxy]]) {
    if (value && !/^https?:\/\/[^/]/i.test(value)) throw new UserError(`${name}: '${value}' is not a proxy URL like http://proxy:3128`);
  }
  return new EnvHttpProxyAgent({
    httpProxy, httpsProxy, noProxy: env.NO_PROXY ?? env.no_proxy ?? '',
    headersTimeout: idle, bodyTimeout: idle,
    ...(tls ? { connect: tls, requestTls: tls } : {}),
  });
}

/** Streams the body to `temp`, hashing it; fails on a dropped connection or too many bytes. */
async function saveBody(body: Dispatcher.ResponseData['body'], temp: string, target: DownloadTarget, opts: DownloadOptions, start: number): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let received = start;
  if (start > 0) await hashPrefix(temp, start, hash);
  // Written synchronously, chunk by chunk: whatever was counted is on disk when the connection
  // drops, so the bytes a resumable download keeps are exactly those received. Appends after the
  // kept bytes, or (start 0) writes from the beginning.
  let fd: number;
  try {
    fd = openSync(temp, start > 0 ? 'r+' : 'w');
  } catch (err) {
    throw new DownloadError(`${temp}: cannot write (${(err as Error).message})`, false);
  }
  let position = start;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      if (received + chunk.length > target.size) {
        done(new DownloadError(`${target.url}: more than the expected ${target.size.toLocaleString('en-US')} bytes; the download was deleted`, false));
        return;
      }
      try {
        writeSync(fd, chunk, 0, chunk.length, position);
      } catch (err) {
        done(new DownloadError(`${temp}: cannot write (${(err as Error).message})`, false));
        return;
      }
      position += chunk.length;
      received += chunk.length;
      hash.update(chunk);
      opts.onProgress?.(received, target.size);
      done();
    },
  });
  try {
    await pipeline(body, sink);
  } catch (err) {
    if (err instanceof DownloadError) throw err;
    throw new DownloadError(`${target.url}: connection closed after ${received.toLocaleString('en-US')} of ${target.size.toLocaleString('en-US')} bytes (${describeNetError(err as Error)})`, true);
  } finally {
    closeSync(fd);
  }
  return { size: received, sha256: hash.digest('hex') };
}

/** Feeds the first `length` bytes of `path` to `hash`. */
async function hashPrefix(path: string, length: number, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(path, { start: 0, end: length - 1 })) hash.update(chunk as Buffer);
}

/**
 * GET with redirects followed; resolves with a 200 response, or (when `from` > 0 asks for the
 * bytes from there on) a 206 response whose Content-Range starts at `from`.
 */
async function get(url: URL, agent: Dispatcher, env: NodeJS.ProcessEnv, idle: number, redirects: number, from = 0): Promise<{ status: number; body: Dispatcher.ResponseData['body'] }> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new DownloadError(`${url.href}: only http and https downloads are supported`, false);
  let res: Dispatcher.ResponseData;
  try {
    const headers: Record<string, string> = { 'user-agent': 'dwgd (dataset fetch)', accept: '*/*' };
    if (from > 0) headers.range = `bytes=${from}-`;
    res = await request(url, { dispatcher: agent, method: 'GET', headers });
  } catch (err) {
    throw new DownloadError(`${url.href}: ${describeNetError(err as Error, proxyNote(url, env))}`, true);
  }
  const status = res.statusCode;
  const location = res.headers.location;
  if (status >= 300 && status < 400 && typeof location === 'string') {
    await res.body.dump();
    if (redirects >= MAX_REDIRECTS) throw new DownloadError(`${url.href}: more than ${MAX_REDIRECTS} redirects`, true);
    return get(new URL(location, url), agent, env, idle, redirects + 1, from);
  }
  if (status === 206 && from > 0) {
    const range = /^bytes (\d+)-/.exec(String(res.headers['content-range'] ?? ''));
    if (range && Number(range[1]) === from) return { status, body: res.body };
    await res.body.dump();
    throw new DownloadError(`${url.href}: asked for the bytes from ${from.toLocaleString('en-US')} on, the server answered with range '${String(res.headers['content-range'] ?? '')}'`, false);
  }
  if (status === 416 && from > 0) {
    await res.body.dump();
    throw new DownloadError(`${url.href}: the server refused to resume from byte ${from.toLocaleString('en-US')} (HTTP 416); the kept bytes were dropped, run the fetch again to start over`, false);
  }
  if (status !== 200) {
    await res.body.dump();
    throw new DownloadError(`${url.href}: HTTP ${status}`, true);
  }
  return { status, body: res.body };
}

/** " (via proxy host:port)" when a proxy variable is set for this URL's scheme. */
function proxyNote(url: URL, env: NodeJS.ProcessEnv): string {
  const raw = url.protocol === 'https:' ? env.HTTPS_PROXY ?? env.https_proxy : env.HTTP_PROXY ?? env.http_proxy;
  if (!raw) return '';
  try {
    return ` (via proxy ${new URL(raw).host}, unless NO_PROXY lists ${url.hostname})`;
  } catch {
    return '';
  }
}

function describeNetError(err: Error, via = ''): string {
  const e = (err as { cause?: Error }).cause && !(err as NodeJS.ErrnoException).code ? (err as { cause: Error }).cause : err;
  const code = (e as NodeJS.ErrnoException).code ?? '';
  const tunnel = /Proxy response \((\d+)\)/.exec(e.message);
  if (tunnel) return `the proxy refused the tunnel (HTTP ${tunnel[1]})${via}`;
  if (/Proxy Authentication Required/.test(e.message)) return `the proxy wants a user name and password (HTTP 407): put them in the proxy URL${via}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `host not found${via}; are you offline?`;
  if (code === 'ECONNREFUSED') return `connection refused${via}`;
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return `connection closed by the other side${via}`;
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return `no connection within the time limit${via}`;
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return `no data for too long${via}`;
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || /CERT|SELF_SIGNED|UNABLE_TO/.test(code)) return `TLS failed (${code}: ${e.message.split('\n')[0]})${via}`;
  return `${e.message.split('\n')[0]}${code ? ` (${code})` : ''}${via}`;
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
