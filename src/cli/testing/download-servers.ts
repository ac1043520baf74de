// The servers the download tests (download.test.ts in process, download.slow.test.ts through
// the CLI and a child process) fetch from, all on 127.0.0.1: an HTTP origin with a good file,
// a redirect, a connection dropped mid-way, a transfer that never ends and 404s; and, when
// openssl is installed, the same origin over HTTPS with a self-signed certificate made here,
// behind three HTTP CONNECT proxies (one that tunnels, one that refuses, one that tunnels to the
// plain-HTTP origin so that TLS inside it fails).

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BODY = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 31 + 7) % 251));
export const SHA = createHash('sha256').update(BODY).digest('hex');
export const OPENSSL = spawnSync('openssl', ['version']).status === 0;

export interface Servers {
  /** http://127.0.0.1:PORT of the origin. */
  base: string;
  /** Every path the origin was asked for (over HTTP or HTTPS), in order. */
  hits: string[];
  /** With openssl (else ''): the origin over HTTPS, its certificate (PEM text and file), the proxies. */
  httpsBase: string;
  cert: string;
  certFile: string;
  proxyUrl: string;
  refusingProxyUrl: string;
  plainTunnelProxyUrl: string;
  /** Every CONNECT target any proxy was asked for. */
  connects: string[];
  close(): void;
}

export async function startServers(): Promise<Servers> {
  const hits: string[] = [];
  const connects: string[] = [];
  const closers: (() => void)[] = [];
  const server = http.createServer((req, res) => {
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
  const listen = async <T extends net.Server>(srv: T): Promise<number> => {
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    closers.push(() => {
      (srv as unknown as http.Server).closeAllConnections?.();
      srv.close();
    });
    return (srv.address() as net.AddressInfo).port;
  };
  const base = `http://127.0.0.1:${await listen(server)}`;
  const s: Servers = {
    base, hits, httpsBase: '', cert: '', certFile: '', proxyUrl: '', refusingProxyUrl: '', plainTunnelProxyUrl: '', connects,
    close: () => {
      for (const c of closers) c();
    },
  };
  if (!OPENSSL) return s;

  /** A CONNECT proxy; `route` maps the requested host:port to where it really connects (or null: refuse with 403). */
  const connectProxy = async (route: (target: string) => string | null): Promise<string> => {
    const proxy = http.createServer((_req, res) => {
      res.writeHead(405);
      res.end();
    });
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
    return `http://127.0.0.1:${await listen(proxy)}`;
  };

  const dir = mkdtempSync(join(tmpdir(), 'dwgd-tls-'));
  closers.push(() => rmSync(dir, { recursive: true, force: true }));
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl: ${r.stderr}`);
  s.cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  s.certFile = join(dir, 'cert.pem');
  const httpsServer = https.createServer({ key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: s.cert }, (req, res) => server.emit('request', req, res));
  s.httpsBase = `https://127.0.0.1:${await listen(httpsServer)}`;
  s.proxyUrl = await connectProxy((t) => t);
  s.refusingProxyUrl = await connectProxy(() => null);
  // Tunnels every request to the plain-HTTP server: TLS inside it fails.
  s.plainTunnelProxyUrl = await connectProxy(() => base.replace('http://', ''));
  return s;
}

/** A new, empty folder to download into. */
export function cache(): string {
  return mkdtempSync(join(tmpdir(), 'dwgd-dl-'));
}
