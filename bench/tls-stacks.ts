// The two stacks of the TLS comparison, each started as a whole and measured as a whole:
//   icegate:        gateway (TLS listener and source ports, the edge) → relay core, two processes,
//                   `icegate gateway` and `icegate relay` on the built dist/, as production runs them;
//   nginx+icecast:  nginx terminating TLS (proxy_pass, one upstream connection per listener) →
//                   Debian's Icecast 2.
// Both sources push over TLS with ffmpeg's https PUT: icegate's through the gateway's source
// port; Icecast's to a TLS listen socket of Icecast itself, because nginx cannot carry an Icecast
// source (an endless PUT without Content-Length, docs/gateway-security.md#un-framed-source-bodies) and operators without
// a TCP proxy give Icecast its own TLS port for that.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, closeSync, existsSync, mkdtempSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import net from 'node:net';
import tls from 'node:tls';
import { createSelfSignedServerCert } from '../gateway/tls/certs.ts';
import { startTlsSource } from '../test/helpers/tls-source.ts';
import { nginxConfig } from './nginx-config.ts';
import { descendants } from './proc.ts';
import { MOUNT } from './run-once.ts';
import { BENCH_SECRETS, freePort, ROOT, spawnWithFdLimit, startIcecast, stopChild, type BenchServer } from './servers.ts';

export const NGINX = '/usr/sbin/nginx';
const START_TIMEOUT_MS = 15000;

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

/**
 * The icegate stack as production runs it: `icegate relay -c FILE` and `icegate gateway -c FILE`,
 * plain node on the compiled dist/ (ICEGATE_SOURCES unset, no TypeScript loader), each with its
 * own config and state directory and its stdout (the log) in a file there. Every port is fixed in
 * the configs, on 127.0.0.1. `nodeArgs` go to the gateway's node before the script (--cpu-prof,
 * --trace-gc).
 */
export async function startIcegateStack(o: { clients: number; cert: Certificate; nodeArgs?: string[] }): Promise<TlsStack> {
  if (!existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('no dist/: run npm run build first');
  const [relayPort, listener, listenerTls, source, admin] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  const relay = spawnIcegate('relay', relayConfig({ port: relayPort, clients: o.clients }));
  let gateway: Spawned | null = null;
  const stop = async (): Promise<void> => {
    if (gateway) await gateway.stop();
    await relay.stop();
  };
  try {
    await withTimeout(answers(relayPort, () => relay.child.exitCode !== null, 'the relay'), 'relay');
    gateway = spawnIcegate('gateway', gatewayConfig({ relayPort, clients: o.clients, cert: o.cert, ports: { listener, listenerTls, source, admin } }), o.nodeArgs);
    const running = gateway;
    // The admin port is bound last (gateway/start.ts): once it answers, every port does.
    await withTimeout(tlsAnswers(admin, () => running.child.exitCode !== null, 'the gateway'), 'gateway');
  } catch (err) {
    const said = [relay, ...(gateway ? [gateway] : [])].map((c) => c.said()).join(' ');
    await stop();
    throw new Error(`${(err as Error).message}${said.trim() ? `; it said: ${said}` : ''}`);
  }
  return {
    kind: 'icegate',
    pid: gateway.child.pid!,
    port: relayPort,
    stop,
    pids: () => [gateway.child.pid!, relay.child.pid!],
    front: { port: listenerTls, tls: true },
    source: () => startTlsSource({ port: source, mount: MOUNT, password: BENCH_SECRETS.sourcePassword, noise: true }),
    sourcePort: { port: source, tls: true },
    adminPort: { port: admin, tls: true },
  };
}

interface Spawned {
  child: ChildProcess;
  /** The end of what it logged. */
  said(): string;
  stop(): Promise<void>;
}

/** `icegate <command> -c <config>` from dist/, in a fresh directory holding the config, its state and its log. */
function spawnIcegate(command: 'relay' | 'gateway', config: string, nodeArgs: readonly string[] = []): Spawned {
  const dir = mkdtempSync(path.join(tmpdir(), `icegate-bench-${command}-`));
  const file = path.join(dir, `${command}.yaml`);
  writeFileSync(file, config, { mode: 0o600 });
  const logFile = path.join(dir, `${command}.log`);
  const log = openSync(logFile, 'w');
  const env = { ...process.env };
  delete env.ICEGATE_SOURCES;
  // As spawnWithFdLimit (servers.ts): thousands of listeners need thousands of descriptors.
  const script = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"';
  const argv = [...nodeArgs, path.join(ROOT, 'bin', 'icegate.js'), command, '-c', file];
  const child = spawn('sh', ['-c', script, process.execPath, ...argv], { cwd: dir, env, stdio: ['ignore', log, 'inherit'] });
  closeSync(log);
  return {
    child,
    said: () => readFileSync(logFile, 'utf8').slice(-2000),
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The relay core's config: the limits and secrets the fan-out benchmark's relay child has (relay-child.ts). */
export function relayConfig(o: { port: number; clients: number }): string {
  const q = (s: string): string => JSON.stringify(s);
  return [
    'stateDir: ./state',
    'relay:',
    `  host: 127.0.0.1`,
    `  port: ${o.port}`,
    `  limits: {clients: ${o.clients}, sources: 2, queueSize: 524288, burstSize: 65536}`,
    `  auth: {sourcePassword: ${q(BENCH_SECRETS.sourcePassword)}, adminPassword: ${q(BENCH_SECRETS.adminPassword)}, relayPassword: ${q(BENCH_SECRETS.relayPassword)}}`,
    '',
  ].join('\n');
}

/**
 * The gateway's config. relay.port differs from the relay's, so the gateway does not take it for
 * its own relay core (gateway/edge/upstream-auth.ts) and pulls without the channel's
 * credentials, as it did when it ran in-process. The per-address caps are off: every listener of
 * the benchmark comes from 127.0.0.1, and nginx, the comparison, has no such caps.
 */
export function gatewayConfig(o: { relayPort: number; clients: number; cert: Certificate; ports: { listener: number; listenerTls: number; source: number; admin: number } }): string {
  const q = (s: string): string => JSON.stringify(s);
  return [
    'stateDir: ./state',
    'relay:',
    `  port: ${o.relayPort === 8000 ? 8001 : 8000}`,
    // The edge's fan-out settings: the same limits as the relay and Icecast get.
    `  limits: {clients: ${o.clients}, queueSize: 524288, burstSize: 65536}`,
    'gateway:',
    `  upstream: ${q(`http://127.0.0.1:${o.relayPort}`)}`,
    `  tls: {cert: ${q(o.cert.cert)}, key: ${q(o.cert.key)}}`,
    `  listener: {host: 127.0.0.1, port: ${o.ports.listener}, tlsPort: ${o.ports.listenerTls}}`,
    `  source: {host: 127.0.0.1, port: ${o.ports.source}}`,
    `  admin: {host: 127.0.0.1, port: ${o.ports.admin}}`,
    '  limits: {connectionsPerMinute: null, streamsPerAddress: null, connectionsPerAddress: null}',
    '',
  ].join('\n');
}

/** Resolves once a TCP connection to the port succeeds (`what` is listening). */
async function answers(port: number, gone: () => boolean, what: string): Promise<void> {
  for (;;) {
    if (gone()) throw new Error(`${what} exited`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
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
    await withTimeout(tlsAnswers(port, () => child.exitCode !== null, 'nginx'), 'nginx');
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

/** Resolves once a TLS handshake on the port succeeds (`what` is up). */
async function tlsAnswers(port: number, gone: () => boolean, what: string): Promise<void> {
  for (;;) {
    if (gone()) throw new Error(`${what} exited`);
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
