// One measured run: a server, one 128 kbit/s MP3 source, N listeners from the load generator,
// /proc samples of the server with the source alone, once all listeners are connected, during
// and after the window. A server with a front (a TLS port before it) is measured as a whole:
// every process of it summed, listeners on the front, one warm listener kept on the front from
// before the idle figures on, so a front that pulls once per mount (the gateway's edge) is
// measured pulling, as a front that pulls per listener (nginx) is measured connected.
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import net from 'node:net';
import tls from 'node:tls';
import type { ChildProcess } from 'node:child_process';
import { startSource, stopProcess } from '../test/helpers/ffmpeg.ts';
import { sampleProcesses } from './proc.ts';
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

export interface RunOptions<T = never> {
  listeners: number;
  windowMs: number;
  connectMs: number;
  /**
   * Runs after the window while every listener keeps streaming; its result and each listener's
   * byte rate over it come back as `under`.
   */
  under?: () => Promise<T>;
}

/** Listener byte rates over the `under` span, bytes/s; a listener cut off meanwhile counts 0. */
export interface ListenerRates {
  min: number;
  p1: number;
  median: number;
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
  /**
   * The same counting the ramp: server CPU from just before the load generator starts to the
   * window's end (connections, handshakes, bursts) over the listener-seconds served meanwhile,
   * each listener counted from the middle of the connect span.
   */
  cpuMsPerListenerSecRamp: number;
  /** Share of the server's CPU time spent in the kernel during the window, %. */
  systemPct: number;
  rssKiBPerListener: number;
  firstBytesMedianMs: number;
  firstBytesP95Ms: number;
  /** Load generator CPU during the window, % of one core. */
  loadgenCpuPct: number;
}

/** Resolves once GET of the mount answers 200 (the source is live). */
export async function mountLive(port: number): Promise<void> {
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

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Sleep `ms` while sampling the process's RSS each second; the median damps a garbage
 * collector's heap growing and shrinking, which moves a Node process's RSS by megabytes.
 */
async function rssDuring(pids: readonly number[], ms: number): Promise<number> {
  const samples: number[] = [];
  const until = performance.now() + ms;
  for (let left = ms; left > 0; left = until - performance.now()) {
    await sleep(Math.min(RSS_SAMPLE_MS, left));
    samples.push(sampleProcesses(pids).rssKiB);
  }
  return median(samples);
}

interface LoadgenLine {
  event: string;
  [k: string]: unknown;
}

function startLoadgen(port: number, secure: boolean, o: RunOptions<unknown>): { child: ChildProcess; next: () => Promise<LoadgenLine> } {
  const args = ['--port', String(port), '--path', MOUNT, '--listeners', String(o.listeners)];
  args.push('--connect-ms', String(o.connectMs), '--burst', String(BURST), '--rate', String(RATE));
  if (secure) args.push('--tls');
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

/**
 * One listener on the front, kept until the run ends; resolves once it is answered 200 and
 * receiving (a front that pulls the mount once is then pulling).
 */
function warmListener(front: { port: number; tls: boolean }): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const options = { port: front.port, host: '127.0.0.1' };
    const s = front.tls ? tls.connect({ ...options, rejectUnauthorized: false }) : net.connect(options);
    let head = '';
    const onData = (d: Buffer): void => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      s.off('data', onData);
      s.on('data', () => {});
      if (/^\S+ 200 /.test(head)) resolve(s);
      else reject(new Error(`the front answered ${JSON.stringify(head.slice(0, 80))}`));
    };
    s.on('data', onData);
    s.on('error', reject);
    s.write(`GET ${MOUNT} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n`);
  });
}

export async function runOnce<T = never>(server: BenchServer, o: RunOptions<T>): Promise<RunResult & { under?: { result: T; rates: ListenerRates } }> {
  const source = server.source?.() ?? startSource({ port: server.port, mount: MOUNT, codec: 'mp3', password: BENCH_SECRETS.sourcePassword, noise: true });
  let loadgen: ChildProcess | null = null;
  let warm: net.Socket | null = null;
  try {
    await mountLive(server.port).catch((err: Error) => {
      const said = (source as typeof source & { errors?: () => string }).errors?.().trim();
      throw new Error(said ? `${err.message}; ffmpeg said: ${said}` : err.message);
    });
    if (server.front) warm = await warmListener(server.front);
    await sleep(SETTLE_MS);
    // After start-up, so nginx's workers are there.
    const pids = server.pids?.() ?? [server.pid];
    const idleStart = sampleProcesses(pids);
    const rssBefore = await rssDuring(pids, IDLE_MS);
    const before = sampleProcesses(pids);
    const lg = startLoadgen(server.front?.port ?? server.port, server.front?.tls ?? false, o);
    loadgen = lg.child;
    const connected = await lg.next();
    const start = sampleProcesses(pids);
    const lgStart = sampleProcesses([lg.child.pid!]);
    const rssLoaded = await rssDuring(pids, o.windowMs);
    const end = sampleProcesses(pids);
    const lgEnd = sampleProcesses([lg.child.pid!]);
    let under: { result: T; rates: ListenerRates } | undefined;
    if (o.under) {
      lg.child.stdin!.write('mark\n');
      await lg.next();
      const result = await o.under();
      under = { result, rates: { min: NaN, p1: NaN, median: NaN } };
    }
    lg.child.stdin!.write('report\n');
    const report = await lg.next();
    await once(lg.child, 'exit');
    if (under) under.rates = { min: Number(report.markedRateMin), p1: Number(report.markedRateP1), median: Number(report.markedRateMedian) };
    const served = Number(report.served);
    const windowSec = (end.at - start.at) / 1000;
    return {
      ...(under && { under }),
      served,
      refused: Number(report.refused),
      unanswered: Number(report.unanswered),
      starved: Number(report.starved),
      connectSpanMs: Number(connected.spanMs),
      idleCpuMsPerSec: ((before.cpuMs - idleStart.cpuMs) * 1000) / (before.at - idleStart.at),
      cpuMsPerListenerSec: (end.cpuMs - start.cpuMs) / (served * windowSec),
      cpuMsPerListenerSecRamp: (end.cpuMs - before.cpuMs) / (served * ((end.at - before.at) / 1000 - Number(connected.spanMs) / 2000)),
      systemPct: (100 * (end.sysMs - start.sysMs)) / (end.cpuMs - start.cpuMs),
      rssKiBPerListener: (rssLoaded - rssBefore) / served,
      firstBytesMedianMs: Number(report.firstBytesMedianMs),
      firstBytesP95Ms: Number(report.firstBytesP95Ms),
      loadgenCpuPct: ((lgEnd.cpuMs - lgStart.cpuMs) * 100) / (lgEnd.at - lgStart.at),
    };
  } finally {
    warm?.destroy();
    if (loadgen) await stopChild(loadgen);
    await stopProcess(source);
  }
}
