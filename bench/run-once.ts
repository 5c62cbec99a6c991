// One measured run: a server, one 128 kbit/s MP3 source, N listeners from the load generator,
// /proc samples of the server with the source alone, once all listeners are connected, during
// and after the window.
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import net from 'node:net';
import type { ChildProcess } from 'node:child_process';
import { startSource, stopProcess } from '../test/helpers/ffmpeg.ts';
import { sampleProcess } from './proc.ts';
import { median } from './stats.ts';
import { BENCH_SECRETS, nodeScript, spawnWithFdLimit, stopChild, type BenchServer } from './servers.ts';

export const MOUNT = '/bench.mp3';
export const BURST = 65536;
/** 128 kbit/s CBR. */
export const RATE = 16000;
/**
 * Before measuring: the queue must hold a whole burst (64 KiB at 16 kB/s is 4.1 s), and a fresh
 * Node process runs a full GC some seconds after start-up, which must not fall into a window.
 */
const SETTLE_MS = 10000;
/** Server CPU and RSS with the source alone are measured over this long. */
const IDLE_MS = 5000;
const RSS_SAMPLE_MS = 1000;
const SOURCE_TIMEOUT_MS = 20000;

export interface RunOptions {
  listeners: number;
  windowMs: number;
  connectMs: number;
}

export interface RunResult {
  served: number;
  /** Closed before a response head, or answered with anything but 200. */
  refused: number;
  /** No answer at all by the time the window started (connect-ms + 20 s after the first). */
  unanswered: number;
  /** Received < 90 % of burst + 16000 B/s since connecting, or cut off during the window. */
  starved: number;
  /** From the first connect to the last response head, ms. */
  connectSpanMs: number;
  /** Server CPU with the source alone, ms per second. */
  idleCpuMsPerSec: number;
  cpuMsPerListenerSec: number;
  /** Share of the server's CPU time spent in the kernel during the window, %. */
  systemPct: number;
  rssKiBPerListener: number;
  firstBytesMedianMs: number;
  firstBytesP95Ms: number;
  /** Load generator CPU during the window, % of one core. */
  loadgenCpuPct: number;
}

/** Resolves once GET of the mount answers 200 (the source is live). */
async function mountLive(port: number): Promise<void> {
  const deadline = Date.now() + SOURCE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const head = await new Promise<string>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      let got = '';
      s.on('data', (d) => {
        got += d.toString('latin1');
        if (got.includes('\r\n')) s.destroy();
      });
      s.on('close', () => resolve(got));
      s.on('error', () => {});
      s.write(`GET ${MOUNT} HTTP/1.0\r\n\r\n`);
    });
    if (/^\S+ 200 /.test(head)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${MOUNT} did not go live within ${SOURCE_TIMEOUT_MS} ms`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Sleep `ms` while sampling the process's RSS each second; the median damps a garbage
 * collector's heap growing and shrinking, which moves a Node process's RSS by megabytes.
 */
async function rssDuring(pid: number, ms: number): Promise<number> {
  const samples: number[] = [];
  const until = performance.now() + ms;
  for (let left = ms; left > 0; left = until - performance.now()) {
    await sleep(Math.min(RSS_SAMPLE_MS, left));
    samples.push(sampleProcess(pid).rssKiB);
  }
  return median(samples);
}

interface LoadgenLine {
  event: string;
  [k: string]: unknown;
}

function startLoadgen(port: number, o: RunOptions): { child: ChildProcess; next: () => Promise<LoadgenLine> } {
  const args = ['--port', String(port), '--path', MOUNT, '--listeners', String(o.listeners)];
  args.push('--connect-ms', String(o.connectMs), '--burst', String(BURST), '--rate', String(RATE));
  const [cmd, argv] = nodeScript('loadgen.ts', args);
  const child = spawnWithFdLimit(cmd, argv, ['pipe', 'pipe', 'inherit']);
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async (): Promise<LoadgenLine> => {
    const r = await lines.next();
    if (r.done) throw new Error('load generator exited early');
    return JSON.parse(r.value) as LoadgenLine;
  };
  return { child, next };
}

export async function runOnce(server: BenchServer, o: RunOptions): Promise<RunResult> {
  const source = startSource({ port: server.port, mount: MOUNT, codec: 'mp3', password: BENCH_SECRETS.sourcePassword, noise: true });
  let loadgen: ChildProcess | null = null;
  try {
    await mountLive(server.port).catch((err: Error) => {
      const said = (source as typeof source & { errors?: () => string }).errors?.().trim();
      throw new Error(said ? `${err.message}; ffmpeg said: ${said}` : err.message);
    });
    await sleep(SETTLE_MS);
    const idleStart = sampleProcess(server.pid);
    const rssBefore = await rssDuring(server.pid, IDLE_MS);
    const before = sampleProcess(server.pid);
    const lg = startLoadgen(server.port, o);
    loadgen = lg.child;
    const connected = await lg.next();
    const start = sampleProcess(server.pid);
    const lgStart = sampleProcess(lg.child.pid!);
    const rssLoaded = await rssDuring(server.pid, o.windowMs);
    const end = sampleProcess(server.pid);
    const lgEnd = sampleProcess(lg.child.pid!);
    lg.child.stdin!.write('report\n');
    const report = await lg.next();
    await once(lg.child, 'exit');
    const served = Number(report.served);
    const windowSec = (end.at - start.at) / 1000;
    return {
      served,
      refused: Number(report.refused),
      unanswered: Number(report.unanswered),
      starved: Number(report.starved),
      connectSpanMs: Number(connected.spanMs),
      idleCpuMsPerSec: ((before.cpuMs - idleStart.cpuMs) * 1000) / (before.at - idleStart.at),
      cpuMsPerListenerSec: (end.cpuMs - start.cpuMs) / (served * windowSec),
      systemPct: (100 * (end.sysMs - start.sysMs)) / (end.cpuMs - start.cpuMs),
      rssKiBPerListener: (rssLoaded - rssBefore) / served,
      firstBytesMedianMs: Number(report.firstBytesMedianMs),
      firstBytesP95Ms: Number(report.firstBytesP95Ms),
      loadgenCpuPct: ((lgEnd.cpuMs - lgStart.cpuMs) * 100) / (lgEnd.at - lgStart.at),
    };
  } finally {
    if (loadgen) await stopChild(loadgen);
    await stopProcess(source);
  }
}
