// The two servers under test, each in its own process on 127.0.0.1: the icegate relay core
// (bench/relay-child.ts) and, when installed, a real Icecast 2.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, chmodSync, writeFileSync, rmSync, readdirSync, statSync } from 'node:fs';
import { RELAY_CHILD_SCRIPT } from './relay-child.ts';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { tmpdir, userInfo } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResolvedSecrets } from '../config/schema.ts';
import { icecastConfig } from './icecast-config.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const BENCH_SECRETS: ResolvedSecrets = {
  sourcePassword: 'bench-source-password',
  adminPassword: 'bench-admin-password',
  relayPassword: 'bench-relay-password',
};

export type ServerKind = 'icegate' | 'icecast';

export interface BenchServer {
  /** A ServerKind, or a whole stack's name (bench/tls.ts). */
  kind: string;
  pid: number;
  /** Where the source goes live (the relay core or Icecast itself). */
  port: number;
  stop(): Promise<void>;
  /** Every process measured, summed; default the one at `pid`. */
  pids?(): number[];
  /** The port listeners use when it is not `port` (a TLS front before the server). */
  front?: { port: number; tls: boolean };
  /** Starts the source when not with ffmpeg's icecast:// straight to `port`. */
  source?(): ChildProcess;
}

const ICECAST_BINARIES = ['/usr/sbin/icecast2', '/usr/bin/icecast2'];
/** The <admin> contact of the generated config: tells our Icecast from any other on the port. */
const ICECAST_ADMIN = 'icegate-bench@localhost';
const START_TIMEOUT_MS = 15000;
const STOP_TIMEOUT_MS = 5000;

export function findIcecast(): string | null {
  return ICECAST_BINARIES.find((p) => existsSync(p)) ?? null;
}

/**
 * Spawn through sh to raise the open-file limit first: thousands of listeners need thousands of
 * descriptors, and a soft limit can only be raised by the process itself (up to the hard one).
 */
export function spawnWithFdLimit(command: string, args: string[], stdio: Array<'pipe' | 'ignore' | 'inherit'>): ChildProcess {
  const script = 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"';
  return spawn('sh', ['-c', script, command, ...args], { cwd: ROOT, stdio });
}

/** Node with the tsx loader, as `npm run bench` runs the orchestrator. */
export function nodeScript(script: string, args: string[], nodeArgs: string[] = []): [string, string[]] {
  return [process.execPath, [...nodeArgs, '--import', 'tsx', path.join(ROOT, 'bench', script), ...args]];
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export async function startIcegate(o: { clients: number; cpuProfDir?: string }): Promise<BenchServer> {
  const nodeArgs = o.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProfDir}`] : [];
  const [cmd, args] = relayChild(['--clients', String(o.clients), '--secrets', JSON.stringify(BENCH_SECRETS)], nodeArgs);
  const child = spawnWithFdLimit(cmd, args, ['ignore', 'pipe', 'inherit']);
  const lines = createInterface({ input: child.stdout! });
  const first = once(lines, 'line').then(([line]) => JSON.parse(line as string) as { port: number });
  const { port } = await withTimeout(first, 'icegate relay child');
  return { kind: 'icegate', pid: child.pid!, port, stop: () => stopChild(child) };
}

/** The sources the relay child runs from dist/: a build older than any of them is refused. */
const RELAY_TREES = ['relay', 'stream', 'config', 'contracts'];

function newestMtime(dir: string, ext: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p, ext));
    else if (e.name.endsWith(ext)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * The relay child as production runs the relay: plain node on the compiled dist/ tree (what
 * bin/icegate.js loads without ICEGATE_SOURCES), no tsx loader. Throws when dist/ is missing or
 * older than the relay's sources, so a benchmark never measures stale code.
 */
export function relayChild(args: string[], nodeArgs: string[] = []): [string, string[]] {
  distChecked ||= checkDist();
  return [process.execPath, [...nodeArgs, '--input-type=module', '--eval', RELAY_CHILD_SCRIPT, '--', ...args]];
}

/** Checked once per benchmark: a source edited during a run does not stop it halfway. */
let distChecked = false;

function checkDist(): true {
  const dist = path.join(ROOT, 'dist');
  if (!existsSync(path.join(dist, 'relay', 'start.js'))) throw new Error('dist/ is not built: run "npm run build" first');
  const built = Math.min(...RELAY_TREES.map((d) => newestMtime(path.join(dist, d), '.js')).filter((t) => t > 0));
  const stale = RELAY_TREES.filter((d) => newestMtime(path.join(ROOT, d), '.ts') > built);
  if (stale.length > 0) throw new Error(`dist/ is older than ${stale.join(', ')}/: run "npm run build" first`);
  return true;
}

/** A free loopback port (Icecast takes its port from the config file, not from the OS). */
export async function freePort(): Promise<number> {
  const srv = net.createServer().listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/**
 * Resolves once the Icecast just started answers its status page. The port was free a moment ago,
 * so the <admin> contact tells it from anything else that might have taken the port meanwhile.
 */
async function icecastReady(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (child.exitCode === null && Date.now() < deadline) {
    const status = await fetch(`http://127.0.0.1:${port}/status-json.xsl`)
      .then((r) => r.json() as Promise<{ icestats?: { admin?: string } }>)
      .catch(() => null);
    if (status?.icestats?.admin === ICECAST_ADMIN) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no Icecast of ours answers on port ${port} within ${START_TIMEOUT_MS} ms`);
}

/** `tlsPem`: also a TLS listen socket serving that PEM (certificate and key), on `tlsPort`. */
export async function startIcecast(o: { clients: number; binary: string; tlsPem?: string }): Promise<BenchServer & { tlsPort: number | null }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'icegate-bench-icecast-'));
  // Icecast drops root for nobody:nogroup before opening its logs there.
  chmodSync(dir, 0o777);
  const port = await freePort();
  const tlsPort = o.tlsPem ? await freePort() : null;
  const asRoot = userInfo().uid === 0;
  const config = icecastConfig({
    port,
    clients: o.clients,
    dir,
    sourcePassword: BENCH_SECRETS.sourcePassword,
    adminPassword: BENCH_SECRETS.adminPassword,
    admin: ICECAST_ADMIN,
    changeOwner: asRoot ? { user: 'nobody', group: 'nogroup' } : null,
    ...(tlsPort !== null && { tls: { port: tlsPort, pem: o.tlsPem! } }),
  });
  writeFileSync(path.join(dir, 'icecast.xml'), config);
  const child = spawnWithFdLimit(o.binary, ['-c', path.join(dir, 'icecast.xml')], ['ignore', 'ignore', 'inherit']);
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`icecast exited with ${String(code)}`);
  });
  const stop = async (): Promise<void> => {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([icecastReady(port, child), exited]);
  } catch (err) {
    await stop();
    throw err;
  } finally {
    exited.catch(() => {});
  }
  return { kind: 'icecast', pid: child.pid!, port, tlsPort, stop };
}
