// The host's CPU, load, memory, network and disk for the dashboard, read straight from /proc
// (proc(5)) and statfs(2): no shell, no child process, a few small reads per sample. Nothing is
// sampled while nobody watches: watch() is reference-counted, and only while at least one watcher
// holds it does a timer sample every `intervalMs` (the disk every `diskIntervalMs`, it changes
// slowly). start() takes one sample so a one-shot snapshot has figures; it starts no timer.
import { readFileSync, statfsSync } from 'node:fs';
import { hostname, loadavg, uptime } from 'node:os';
import { resolve } from 'node:path';
import type { HostView } from '../contracts/control-api.ts';

export interface HostMetricsOptions {
  /** Between samples while watched. Default 2000 ms. */
  intervalMs?: number;
  /** Between disk samples while watched. Default 30 s. */
  diskIntervalMs?: number;
  /** Where proc(5) is mounted (tests point it at a directory of their own). */
  procDir?: string;
  /** Monotonic milliseconds. */
  now?: () => number;
}

interface Counters {
  /** Jiffies from the "cpu" line of /proc/stat: all of them, and the idle ones (idle + iowait). */
  cpuTotal: number;
  cpuIdle: number;
  rx: number;
  tx: number;
  at: number;
}

export class HostMetrics {
  #view: HostView | null = null;
  #disk: HostView['disk'] = null;
  #previous: Counters | null = null;
  #watchers = 0;
  #timer: NodeJS.Timeout | null = null;
  #lastDisk = Number.NEGATIVE_INFINITY;
  readonly #o: Required<HostMetricsOptions>;

  constructor(
    readonly diskPath: string,
    readonly onSample: () => void = () => {},
    options: HostMetricsOptions = {},
  ) {
    this.#o = { intervalMs: 2000, diskIntervalMs: 30_000, procDir: '/proc', now: () => performance.now(), ...options };
  }

  get view(): HostView | null {
    return this.#view;
  }

  /** How many watchers hold the sampling on. */
  get watchers(): number {
    return this.#watchers;
  }

  /** One sample now; no timer. */
  async start(): Promise<void> {
    this.sample();
  }

  /** Samples now and then every intervalMs until the returned function is called (once per watch). */
  watch(): () => void {
    this.#watchers += 1;
    if (this.#watchers === 1) {
      this.sample();
      this.#timer = setInterval(() => this.sample(), this.#o.intervalMs);
      this.#timer.unref();
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#watchers -= 1;
      if (this.#watchers === 0) this.#clear();
    };
  }

  stop(): void {
    this.#watchers = 0;
    this.#clear();
  }

  /** Reads every figure once; rates are since the previous sample (CPU: since boot on the first). */
  sample(): void {
    try {
      const now = this.#o.now();
      const counters = { ...readCpu(this.#o.procDir), ...readNetwork(this.#o.procDir), at: now };
      const before = this.#previous;
      this.#previous = counters;
      if (now - this.#lastDisk >= this.#o.diskIntervalMs) {
        this.#lastDisk = now;
        this.#disk = readDisk(this.diskPath, this.#o.procDir) ?? this.#disk;
      }
      const cpuSpan = counters.cpuTotal - (before?.cpuTotal ?? 0);
      const cpuBusy = cpuSpan - (counters.cpuIdle - (before?.cpuIdle ?? 0));
      const seconds = before ? (now - before.at) / 1000 : 0;
      const rate = (a: number, b: number | undefined): number => (b === undefined || seconds <= 0 ? 0 : Math.max(0, Math.round((a - b) / seconds)));
      const memory = readMemory(this.#o.procDir);
      const [l1, l5, l15] = loadavg();
      this.#view = {
        hostname: hostname(),
        cpuPercent: cpuSpan > 0 ? Math.round((cpuBusy / cpuSpan) * 1000) / 10 : 0,
        load: [round2(l1 ?? 0), round2(l5 ?? 0), round2(l15 ?? 0)],
        memory,
        network: { rxBytesPerSecond: rate(counters.rx, before?.rx), txBytesPerSecond: rate(counters.tx, before?.tx) },
        disk: this.#disk,
        uptimeSeconds: Math.round(uptime()),
      };
      this.onSample();
    } catch {
      // A failed sample keeps the previous one; metrics never take the supervisor down.
    }
  }

  #clear(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    // The next watch starts afresh: rates over an unwatched gap would mean nothing.
    this.#previous = null;
    this.#lastDisk = Number.NEGATIVE_INFINITY;
  }
}

/** The "cpu" line of /proc/stat: user nice system idle iowait irq softirq steal (guest is in user). */
export function readCpu(procDir = '/proc'): { cpuTotal: number; cpuIdle: number } {
  const line = readFileSync(`${procDir}/stat`, 'utf8').split('\n', 1)[0] ?? '';
  const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (f[0] === undefined || f.some((n) => !Number.isFinite(n))) throw new Error('unreadable /proc/stat');
  return { cpuTotal: f.reduce((a, b) => a + b, 0), cpuIdle: (f[3] ?? 0) + (f[4] ?? 0) };
}

/** MemTotal, and used = MemTotal - MemAvailable: what top calls used (cache and buffers are free for the taking). */
export function readMemory(procDir = '/proc'): HostView['memory'] {
  const text = readFileSync(`${procDir}/meminfo`, 'utf8');
  const kib = (key: string): number | null => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text);
    return m ? Number(m[1]) * 1024 : null;
  };
  const total = kib('MemTotal') ?? 0;
  const available = kib('MemAvailable') ?? (kib('MemFree') ?? 0) + (kib('Buffers') ?? 0) + (kib('Cached') ?? 0);
  return { totalBytes: total, usedBytes: Math.max(0, total - available) };
}

/** Bytes received and sent by every interface but loopback, from /proc/net/dev. */
export function readNetwork(procDir = '/proc'): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const line of readFileSync(`${procDir}/net/dev`, 'utf8').split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0 || line.slice(0, colon).trim() === 'lo') continue;
    const f = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    rx += f[0] ?? 0;
    tx += f[8] ?? 0;
  }
  return { rx, tx };
}

/** The file system holding `path`: its mount point (the longest that prefixes it) and its size. */
export function readDisk(dir: string, procDir = '/proc'): HostView['disk'] {
  const path = resolve(dir);
  try {
    const mounts = readFileSync(`${procDir}/self/mounts`, 'utf8')
      .split('\n')
      .map((l) => (l.split(' ')[1] ?? '').replace(/\\040/g, ' '))
      .filter((m) => m !== '' && (path === m || path.startsWith(m.endsWith('/') ? m : `${m}/`)));
    const mount = mounts.sort((a, b) => b.length - a.length)[0] ?? '/';
    const s = statfsSync(path);
    return { path: mount, totalBytes: s.blocks * s.bsize, usedBytes: (s.blocks - s.bfree) * s.bsize };
  } catch {
    return null;
  }
}

const round2 = (n: number): number => Math.round(n * 100) / 100;
