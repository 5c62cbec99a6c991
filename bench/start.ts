// Start and restart, to serving, beside the anchor in the same run:
//   icegate:        `icegate start` (plain node from dist/) → the gateway's plain listener port
//                   answers GET /status-json.xsl with 200, which the gateway forwards to the relay
//                   core, so both are up; then kill -9 of the gateway, then of the relay, each
//                   timed from the kill to the next 200 on the same port (the supervisor restarts
//                   the first crash at once, supervisor/restart-policy.ts);
//   icecast2:       Debian's icecast2 spawned → its port answers the same request with 200;
//   nginx+icecast2: both spawned at once → nginx's TLS port answers it with 200 through Icecast.
// Every probe is a fresh connection, 10 ms apart. The configuration is the shape a deployment
// has: every port fixed (fresh free ports), so the gateway knows the relay's address before the
// relay binds it and both start side by side. The secrets and the self-signed certificate of a
// first start are made before the timed start, as on every start but the first.
//   npm run bench:start -- [--runs 5]
// Needs a built tree (npm run build), icecast2 and nginx (Debian packages).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { icecastConfig } from './icecast-config.ts';
import { nginxConfig } from './nginx-config.ts';
import { BENCH_SECRETS, findIcecast, freePort, ROOT, stopChild } from './servers.ts';
import { descendants, sampleProcesses } from './proc.ts';
import { median } from './stats.ts';
import { NGINX, writeCertificate, type Certificate } from './tls-stacks.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
const PROBE_MS = 10;
const GIVE_UP_MS = 30_000;
const BIN = path.join(ROOT, 'bin', 'icegate.js');

/** Status of GET /status-json.xsl on a fresh connection; 0 when nothing answers. */
function status(port: number, tls: boolean): Promise<number> {
  return new Promise((resolve) => {
    const get = tls ? https.get : http.get;
    const req = get({ host: '127.0.0.1', port, path: '/status-json.xsl', agent: false, rejectUnauthorized: false, timeout: 2000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/** Milliseconds from `since` to the first 200. */
async function serving(port: number, since: number, o: { tls?: boolean; gone?: () => boolean } = {}): Promise<number> {
  for (;;) {
    if (o.gone?.()) throw new Error('exited before serving');
    if ((await status(port, o.tls ?? false)) === 200) return performance.now() - since;
    if (performance.now() - since > GIVE_UP_MS) throw new Error(`port ${port}: no 200 within ${GIVE_UP_MS} ms`);
    await new Promise((r) => setTimeout(r, PROBE_MS));
  }
}

function icegate(args: string[], cwd: string): void {
  const env = { ...process.env };
  delete env.ICEGATE_SOURCES;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`icegate ${args.join(' ')} exited ${r.status}`);
}

interface ComponentState {
  name: string;
  pid: number | null;
  state: string;
}

function components(sock: string): Promise<ComponentState[]> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: sock, path: '/v1/state', headers: { 'x-icegate-user': 'bench' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve((JSON.parse(Buffer.concat(chunks).toString()) as { components: ComponentState[] }).components));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Kill -9 of one component; resolves with the time to the next 200 on the listener port. */
async function killToServing(name: string, sock: string, port: number): Promise<number> {
  const before = (await components(sock)).find((c) => c.name === name);
  if (!before?.pid || before.state !== 'running') throw new Error(`${name} is not running`);
  const t = performance.now();
  process.kill(before.pid, 'SIGKILL');
  // A 200 from the old process cannot come after its kill: the probe connects afresh.
  const ms = await serving(port, t);
  // Wait until the supervisor shows it running again before the next kill.
  for (;;) {
    const now = (await components(sock)).find((c) => c.name === name);
    if (now?.state === 'running' && now.pid !== before.pid) return ms;
    await new Promise((r) => setTimeout(r, PROBE_MS));
  }
}

interface IcegateRun {
  start: number;
  /** CPU time (user + system) of the whole process tree when it first served: unlike the wall clock, barely moved by other work on the machine. */
  startCpu: number;
  gatewayRestart: number;
  relayRestart: number;
}

/** CPU milliseconds so far of a process and everything under it. */
const treeCpuMs = (pid: number): number => sampleProcesses([pid, ...descendants(pid)]).cpuMs;

async function icegateRun(): Promise<IcegateRun> {
  const dir = mkdtempSync(path.join(tmpdir(), 'icegate-bench-start-'));
  const [listener, relay] = [await freePort(), await freePort()];
  const config = path.join(dir, 'gateway.yaml');
  writeFileSync(
    config,
    `stateDir: ./state\nrelay:\n  port: ${relay}\n  mounts: {/live.mp3: {}}\ngateway:\n  listener: {host: 127.0.0.1, port: ${listener}, tlsPort: 0}\n  source: {host: 127.0.0.1, port: 0}\n  admin: {port: 0}\n`,
  );
  // A first start's work, done before the timed start: the certificate, then the secrets.
  icegate(['cert', 'server', '-c', config], dir);
  icegate(['source-link', '-c', config, '--mount', '/live.mp3'], dir);
  const env = { ...process.env };
  delete env.ICEGATE_SOURCES;
  const t0 = performance.now();
  const child: ChildProcess = spawn(process.execPath, [BIN, 'start', '-c', config], { cwd: dir, env, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  try {
    const start = await serving(listener, t0, { gone: () => child.exitCode !== null });
    const startCpu = treeCpuMs(child.pid!);
    const sock = /control API on (\S+)/.exec(out)?.[1];
    if (sock === undefined) throw new Error(`no control socket in: ${out}`);
    const gatewayRestart = await killToServing('gateway', sock, listener);
    const relayRestart = await killToServing('relay', sock, listener);
    return { start, startCpu, gatewayRestart, relayRestart };
  } finally {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** icecast2 alone, or with nginx in front started at the same moment. */
async function anchorRun(binary: string, cert: Certificate, withNginx: boolean): Promise<{ ms: number; cpu: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'icegate-bench-start-anchor-'));
  const port = await freePort();
  // As root, Icecast drops to nobody:nogroup before it opens its logs in `dir` (as bench/servers.ts).
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chmodSync(dir, 0o777);
  const changeOwner = asRoot ? { user: 'nobody', group: 'nogroup' } : null;
  writeFileSync(path.join(dir, 'icecast.xml'), icecastConfig({ port, clients: 100, dir, sourcePassword: BENCH_SECRETS.sourcePassword, adminPassword: BENCH_SECRETS.adminPassword, admin: 'bench@icegate', changeOwner }));
  let front = port;
  let nginxArgs: string[] | null = null;
  if (withNginx) {
    // nginx's own directory: Icecast's error.log must not be nginx's (created by root first).
    const nginxDir = path.join(dir, 'nginx');
    for (const t of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(nginxDir, t), { recursive: true });
    front = await freePort();
    writeFileSync(path.join(nginxDir, 'nginx.conf'), nginxConfig({ port: front, upstreamPort: port, dir: nginxDir, cert: cert.cert, key: cert.key, listeners: 100 }));
    nginxArgs = ['-p', nginxDir, '-c', path.join(nginxDir, 'nginx.conf'), '-e', path.join(nginxDir, 'error.log'), '-g', 'daemon off;'];
  }
  const t0 = performance.now();
  const children = [spawn(binary, ['-c', path.join(dir, 'icecast.xml')], { stdio: 'ignore' }), ...(nginxArgs ? [spawn(NGINX, nginxArgs, { stdio: 'ignore' })] : [])];
  try {
    const ms = await serving(front, t0, { tls: withNginx, gone: () => children.some((c) => c.exitCode !== null) });
    return { ms, cpu: children.reduce((sum, c) => sum + treeCpuMs(c.pid!), 0) };
  } finally {
    for (const c of children) await stopChild(c);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('no dist/: run npm run build first');
  const binary = findIcecast();
  if (binary === null || !existsSync(NGINX)) throw new Error('needs the Debian packages icecast2 and nginx');
  const cert = writeCertificate();
  const ice: IcegateRun[] = [];
  const icecast: { ms: number; cpu: number }[] = [];
  const stack: { ms: number; cpu: number }[] = [];
  const load = [loadavg()[0]!];
  try {
    for (let i = 0; i < runs; i += 1) {
      ice.push(await icegateRun());
      icecast.push(await anchorRun(binary, cert, false));
      stack.push(await anchorRun(binary, cert, true));
      load.push(loadavg()[0]!);
      const r = (v: unknown): string => JSON.stringify(v, (_, x: unknown) => (typeof x === 'number' ? Math.round(x) : x));
      console.error(`run ${i + 1}/${runs}: icegate ${r(ice.at(-1))}, icecast2 ${r(icecast.at(-1))}, nginx+icecast2 ${r(stack.at(-1))}`);
    }
  } finally {
    rmSync(cert.dir, { recursive: true, force: true });
  }
  const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
  const m = (k: keyof IcegateRun): number => median(ice.map((r) => r[k]));
  const iceMs = median(icecast.map((r) => r.ms));
  const stackMs = median(stack.map((r) => r.ms));
  console.log(`node ${process.version}; medians of ${runs} runs; load average ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)} during the runs\n`);
  console.log('| | to serving | ratio to icecast2 | ratio to nginx + icecast2 | CPU of the process tree to serving |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  const row = (name: string, ms: number, cpu: number | null): void =>
    console.log(`| ${name} | ${s(ms)} | ${(ms / iceMs).toFixed(1)}× | ${(ms / stackMs).toFixed(1)}× | ${cpu === null ? '' : `${Math.round(cpu)} ms`} |`);
  row('`icegate start` (supervisor, relay, gateway)', m('start'), m('startCpu'));
  row('kill -9 of the gateway, restarted', m('gatewayRestart'), null);
  row('kill -9 of the relay, restarted', m('relayRestart'), null);
  row('icecast2 started', iceMs, median(icecast.map((r) => r.cpu)));
  row('nginx + icecast2 started together', stackMs, median(stack.map((r) => r.cpu)));
}

await main();
