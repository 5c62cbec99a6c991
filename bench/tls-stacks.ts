// The two stacks of the TLS comparison, each started as a whole and measured as a whole:
//   icegate:        gateway (TLS listener and source ports, the edge) → relay core, two processes;
//   nginx+icecast:  nginx terminating TLS (proxy_pass, one upstream connection per listener) →
//                   Debian's Icecast 2.
// Both sources push over TLS with ffmpeg's https PUT: icegate's through the gateway's source
// port; Icecast's to a TLS listen socket of Icecast itself, because nginx cannot carry an Icecast
// source (an endless PUT without Content-Length, docs/gateway-security.md#un-framed-source-bodies) and operators without
// a TCP proxy give Icecast its own TLS port for that.
import { chmodSync, chownSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { createSelfSignedServerCert } from '../gateway/tls/certs.ts';
import { startTlsSource } from '../test/helpers/tls-source.ts';
import { nginxConfig } from './nginx-config.ts';
import { descendants } from './proc.ts';
import { MOUNT } from './run-once.ts';
import { BENCH_SECRETS, freePort, nodeScript, spawnWithFdLimit, startIcecast, startIcegate, stopChild, type BenchServer } from './servers.ts';

export const NGINX = '/usr/sbin/nginx';
const START_TIMEOUT_MS = 15000;

export interface GatewayPortsLine {
  listenerTls: number;
  source: number;
  admin: number;
}

/** A stack that also tells where its source and admin ports are (for the credential hammer). */
export interface TlsStack extends BenchServer {
  front: { port: number; tls: true };
  /** Where a wrong source password is tried: TLS or plain. */
  sourcePort: { port: number; tls: boolean };
  adminPort: { port: number; tls: boolean };
}

export interface Certificate {
  dir: string;
  cert: string;
  key: string;
  /** Certificate and key in one file, as Icecast's <ssl-certificate> wants them. */
  pem: string;
}

/** One self-signed certificate for both stacks, so both handshake with the same key. */
export function writeCertificate(): Certificate {
  const dir = mkdtempSync(path.join(tmpdir(), 'icegate-bench-tls-'));
  const pair = createSelfSignedServerCert();
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  writeFileSync(cert, pair.certPem);
  writeFileSync(key, pair.keyPem, { mode: 0o600 });
  const pem = path.join(dir, 'icecast.pem');
  writeFileSync(pem, pair.certPem + pair.keyPem, { mode: 0o600 });
  // Icecast reads it after dropping root for nobody:nogroup (bench/servers.ts).
  if (process.getuid?.() === 0) {
    chmodSync(dir, 0o711);
    chownSync(pem, 65534, 65534);
  }
  return { dir, cert, key, pem };
}

export async function startIcegateStack(o: { clients: number; cert: Certificate }): Promise<TlsStack> {
  const relay = await startIcegate({ clients: o.clients });
  const stateDir = mkdtempSync(path.join(tmpdir(), 'icegate-bench-gw-'));
  const args = ['--upstream', String(relay.port), '--clients', String(o.clients), '--cert', o.cert.cert, '--key', o.cert.key, '--state-dir', stateDir];
  const [cmd, argv] = nodeScript('gateway-child.ts', args);
  const child = spawnWithFdLimit(cmd, argv, ['ignore', 'pipe', 'inherit']);
  const stop = async (): Promise<void> => {
    await stopChild(child);
    await relay.stop();
    rmSync(stateDir, { recursive: true, force: true });
  };
  let ports: GatewayPortsLine;
  try {
    const lines = createInterface({ input: child.stdout! });
    ports = await withTimeout(once(lines, 'line').then(([line]) => JSON.parse(line as string) as GatewayPortsLine), 'gateway child');
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    kind: 'icegate',
    pid: child.pid!,
    port: relay.port,
    stop,
    pids: () => [child.pid!, relay.pid],
    front: { port: ports.listenerTls, tls: true },
    source: () => startTlsSource({ port: ports.source, mount: MOUNT, password: BENCH_SECRETS.sourcePassword, noise: true }),
    sourcePort: { port: ports.source, tls: true },
    adminPort: { port: ports.admin, tls: true },
  };
}

export async function startNginxStack(o: { clients: number; listeners: number; cert: Certificate; icecast: string }): Promise<TlsStack> {
  const icecast = await startIcecast({ clients: o.clients, binary: o.icecast, tlsPem: o.cert.pem });
  const icecastTls = icecast.tlsPort!;
  const dir = mkdtempSync(path.join(tmpdir(), 'icegate-bench-nginx-'));
  for (const t of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(dir, t));
  const port = await freePort();
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConfig({ port, upstreamPort: icecast.port, dir, cert: o.cert.cert, key: o.cert.key, listeners: o.listeners }));
  const child = spawnWithFdLimit(NGINX, ['-p', dir, '-c', conf, '-e', path.join(dir, 'error.log'), '-g', 'daemon off;'], ['ignore', 'ignore', 'inherit']);
  const stop = async (): Promise<void> => {
    await stopChild(child);
    await icecast.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await withTimeout(tlsAnswers(port, () => child.exitCode !== null), 'nginx');
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    kind: 'nginx+icecast',
    pid: child.pid!,
    port: icecast.port,
    stop,
    pids: () => [child.pid!, ...descendants(child.pid!), icecast.pid],
    front: { port, tls: true },
    source: () => startTlsSource({ port: icecastTls, mount: MOUNT, password: BENCH_SECRETS.sourcePassword, noise: true }),
    // Icecast's own TLS port: nginx cannot carry a source, so that is where one logs in.
    sourcePort: { port: icecastTls, tls: true },
    adminPort: { port, tls: true },
  };
}

/** Resolves once a TLS handshake on the port succeeds (nginx is up). */
async function tlsAnswers(port: number, gone: () => boolean): Promise<void> {
  for (;;) {
    if (gone()) throw new Error('nginx exited');
    const ok = await new Promise<boolean>((resolve) => {
      const s = tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not up within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
