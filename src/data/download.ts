// A checked download: stream to a temporary name beside the destination while hashing,
// check size and sha256, then rename over the destination. Any failure (HTTP error, dropped
// connection, wrong size or checksum, Ctrl-C) deletes the temporary file and leaves whatever
// was at the destination as it was, so the cache never holds a partial or unverified file.
// Requests go through undici's EnvHttpProxyAgent: HTTPS_PROXY / HTTP_PROXY (a CONNECT tunnel)
// unless NO_PROXY lists the host.

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, renameSync, rmSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import { UserError } from '../errors.js';
import { makeDirs, removeMadeDirs } from './dirs.js';

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
  const cleanUp = () => {
    rmSync(temp, { force: true });
    removeMadeDirs(madeDirs); // no empty cache folder left by a failed first fetch
  };
  const onSignal = (signal: NodeJS.Signals) => {
    cleanUp();
    process.stderr.write(`\ninterrupted: ${basename(target.dest)} not downloaded, nothing partial left\n`);
    process.exit(signal === 'SIGTERM' ? 143 : 130);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const agent = makeAgent(env, opts.ca, idle);
  try {
    const body = await get(new URL(target.url), agent, env, idle, 0);
    const actual = await saveBody(body, temp, target, opts);
    if (actual.size !== target.size) {
      throw new DownloadError(`${target.url}: got ${actual.size.toLocaleString('en-US')} bytes, expected ${target.size.toLocaleString('en-US')}; the download was deleted`, false);
    }
    if (actual.sha256 !== target.sha256) {
      throw new DownloadError(`${target.url}: sha256 mismatch (expected ${target.sha256}, got ${actual.sha256}); the download was deleted`, false);
    }
    renameSync(temp, target.dest);
  } catch (err) {
    cleanUp();
    throw err;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await agent.destroy().catch(() => {});
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
async function saveBody(body: Dispatcher.ResponseData['body'], temp: string, target: DownloadTarget, opts: DownloadOptions): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let received = 0;
  const check = new Transform({
    transform(chunk: Buffer, _enc, done) {
      received += chunk.length;
      if (received > target.size) {
        done(new DownloadError(`${target.url}: more than the expected ${target.size.toLocaleString('en-US')} bytes; the download was deleted`, false));
        return;
      }
      hash.update(chunk);
      opts.onProgress?.(received, target.size);
      done(null, chunk);
    },
  });
  const file = createWriteStream(temp);
  let writeError: Error | null = null;
  file.on('error', (e) => { writeError = e; });
  try {
    await pipeline(body, check, file);
  } catch (err) {
    if (err instanceof DownloadError) throw err;
    if (writeError) throw new DownloadError(`${temp}: cannot write (${(writeError as Error).message})`, false);
    throw new DownloadError(`${target.url}: connection closed after ${received.toLocaleString('en-US')} of ${target.size.toLocaleString('en-US')} bytes (${describeNetError(err as Error)})`, true);
  }
  return { size: received, sha256: hash.digest('hex') };
}

/** GET with redirects followed; resolves with the body of a 200 response. */
async function get(url: URL, agent: Dispatcher, env: NodeJS.ProcessEnv, idle: number, redirects: number): Promise<Dispatcher.ResponseData['body']> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new DownloadError(`${url.href}: only http and https downloads are supported`, false);
  let res: Dispatcher.ResponseData;
  try {
    res = await request(url, { dispatcher: agent, method: 'GET', headers: { 'user-agent': 'dwgd (dataset fetch)', accept: '*/*' } });
  } catch (err) {
    throw new DownloadError(`${url.href}: ${describeNetError(err as Error, proxyNote(url, env))}`, true);
  }
  const status = res.statusCode;
  const location = res.headers.location;
  if (status >= 300 && status < 400 && typeof location === 'string') {
    await res.body.dump();
    if (redirects >= MAX_REDIRECTS) throw new DownloadError(`${url.href}: more than ${MAX_REDIRECTS} redirects`, true);
    return get(new URL(location, url), agent, env, idle, redirects + 1);
  }
  if (status !== 200) {
    await res.body.dump();
    throw new DownloadError(`${url.href}: HTTP ${status}`, true);
  }
  return res.body;
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
