// Footprint of a whole stack with nothing connected, each beside its anchor in the same run:
// icegate as `icegate start` runs it (supervisor, relay, gateway; plain node from dist/) against
// Debian's icecast2 behind nginx terminating TLS. For each: start to serving (spawn to the first
// answer on the listener port), idle RSS and PSS of the whole process tree (/proc/PID/smaps_rollup)
// and idle CPU (utime + stime from /proc/PID/stat) over a window, after a settle time.
//   npm run bench:footprint -- [--runs 3] [--seconds 30] [--settle 5]
// Needs a built tree (npm run build), icecast2 and nginx (Debian packages).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { descendants } from './proc.ts';
import { findIcecast, ROOT, stopChild } from './servers.ts';
import { median } from './stats.ts';
import { NGINX, startNginxStack, writeCertificate } from './tls-stacks.ts';

const TICKS_PER_SECOND = 100;
const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, seconds: { type: 'string', default: '30' }, settle: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
const windowSeconds = Number(values.seconds);
const settleSeconds = Number(values.settle);

interface Footprint {
  startMs: number;
  processes: number;
  rssKiB: number;
  pssKiB: number;
  cpuPercent: number;
}

interface Running {
  pids(): number[];
  stop(): Promise<void>;
  /** Spawn to serving, when the stack measured it itself (without the preparation before the spawn). */
  startMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function rollup(pid: number): { rss: number; pss: number } {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kib = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  return { rss: kib('Rss'), pss: kib('Pss') };
}

function ticks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

async function measure(start: () => Promise<Running>): Promise<Footprint> {
  const t0 = performance.now();
  const stack = await start();
  const startMs = stack.startMs ?? performance.now() - t0;
  try {
    await sleep(settleSeconds * 1000);
    const pids = stack.pids();
    const before = new Map(pids.map((p) => [p, ticks(p)]));
    await sleep(windowSeconds * 1000);
    let used = 0;
    for (const p of pids) used += ticks(p) - before.get(p)!;
    let rss = 0;
    let pss = 0;
    for (const p of pids) {
      const r = rollup(p);
      rss += r.rss;
      pss += r.pss;
    }
    return { startMs, processes: pids.length, rssKiB: rss, pssKiB: pss, cpuPercent: (used / TICKS_PER_SECOND / windowSeconds) * 100 };
  } finally {
    await stack.stop();
  }
}

/** Resolves once a request on the port is answered 200. */
async function answers(port: number, gone: () => boolean): Promise<void> {
  for (;;) {
    if (gone()) throw new Error('exited before serving');
    const ok = await new Promise<boolean>((resolve) => {
      // write, not end: a half-closed request is a client gone away to the gateway.
      const s = net.connect(port, '127.0.0.1', () => s.write('GET /status-json.xsl HTTP/1.0\r\n\r\n'));
      // Serving means a 200 forwarded through to the relay: a 502 while the relay still starts is not.
      s.once('data', (d: Buffer) => {
        s.destroy();
        resolve(/^HTTP\/1\.[01] 200 /.test(d.toString('latin1')));
      });
      s.on('error', () => resolve(false));
      s.on('close', () => resolve(false));
    });
    if (ok) return;
    await sleep(10);
  }
}

/** `icegate start` on a fixed free listener port: spawn to its first answer there. */
async function startIcegateStack(): Promise<Running> {
  const dir = mkdtempSync(path.join(tmpdir(), 'icegate-bench-footprint-'));
  const port = await freePortNumber();
  // Every port a deployment fixes is fixed here too, so the relay and the gateway start side by side.
  const relayPort = await freePortNumber();
  const config = path.join(dir, 'gateway.yaml');
  writeFileSync(config, `stateDir: ./state\nrelay:\n  port: ${relayPort}\n  mounts: {/live.mp3: {}}\ngateway:\n  listener: {host: 127.0.0.1, port: ${port}, tlsPort: 0}\n  source: {host: 127.0.0.1, port: 0}\n  admin: {port: 0}\n`);
  // The secrets and the self-signed certificate of a first start are made before the timed start.
  await runOnce(['cert', 'server', '-c', config], dir);
  await runOnce(['source-link', '-c', config, '--mount', '/live.mp3'], dir);
  const env = { ...process.env };
  delete env.ICEGATE_SOURCES;
  // Timed from the spawn: the certificate and secrets made above are a first start's work only.
  const spawnedAt = performance.now();
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, 'bin', 'icegate.js'), 'start', '-c', config], { cwd: dir, env, stdio: ['ignore', 'ignore', 'inherit'] });
  await answers(port, () => child.exitCode !== null);
  const startMs = performance.now() - spawnedAt;
  return {
    startMs,
    pids: () => [child.pid!, ...descendants(child.pid!)],
    stop: async () => {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function runOnce(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [path.join(ROOT, 'bin', 'icegate.js'), ...args], { cwd, stdio: 'ignore' });
    c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`icegate ${args.join(' ')} exited ${code}`))));
  });
}

async function freePortNumber(): Promise<number> {
  const srv = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => srv.once('listening', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

async function main(): Promise<void> {
  if (!existsSync(path.join(ROOT, 'dist', 'cli', 'main.js'))) throw new Error('no dist/: run npm run build first');
  const icecast = findIcecast();
  if (icecast === null || !existsSync(NGINX)) throw new Error('needs the Debian packages icecast2 and nginx');
  const cert = writeCertificate();
  const results: Record<'icegate' | 'nginx+icecast', Footprint[]> = { icegate: [], 'nginx+icecast': [] };
  try {
    for (let i = 0; i < runs; i += 1) {
      results.icegate.push(await measure(startIcegateStack));
      results['nginx+icecast'].push(
        await measure(async () => {
          const s = await startNginxStack({ clients: 100, listeners: 100, cert, icecast });
          return { pids: () => s.pids?.() ?? [s.pid], stop: s.stop };
        }),
      );
      console.error(`run ${i + 1}/${runs}: ${JSON.stringify(results.icegate.at(-1))} vs ${JSON.stringify(results['nginx+icecast'].at(-1))}`);
    }
  } finally {
    rmSync(cert.dir, { recursive: true, force: true });
  }
  const m = (k: keyof Footprint, s: 'icegate' | 'nginx+icecast'): number => median(results[s].map((r) => r[k]));
  console.log(`node ${process.version}; medians of ${runs} runs, idle window ${windowSeconds} s after ${settleSeconds} s\n`);
  console.log('| | processes | start to serving | RSS | PSS | idle CPU |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const s of ['icegate', 'nginx+icecast'] as const) {
    console.log(`| ${s === 'icegate' ? 'icegate stack (supervisor, relay, gateway)' : 'icecast2 + nginx terminating TLS'} | ${m('processes', s)} | ${(m('startMs', s) / 1000).toFixed(2)} s | ${(m('rssKiB', s) / 1024).toFixed(0)} MB | ${(m('pssKiB', s) / 1024).toFixed(0)} MB | ${m('cpuPercent', s).toFixed(2)} % |`);
  }
  const r = (k: keyof Footprint): string => (m(k, 'icegate') / m(k, 'nginx+icecast')).toFixed(1);
  console.log(`| ratio icegate / anchor | | ${r('startMs')}× | ${r('rssKiB')}× | ${r('pssKiB')}× | ${r('cpuPercent')}× |`);
}

await main();
