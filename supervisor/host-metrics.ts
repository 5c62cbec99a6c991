// The host's CPU, load, memory, network and disk, sampled once by the supervisor and shared by
// every dashboard (docs/supervision.md#host-and-process-metrics): currentLoad + mem and network every 2 s, fsSize
// every 30 s, never processes() (≈100 ms of CPU per call, growing with the process count).
// systeminformation is only ever given constants, never a name from a client (its CVEs are all
// in string-building paths).
import { hostname, loadavg, uptime } from 'node:os';
import type { HostView } from '../contracts/control-api.ts';

type Si = typeof import('systeminformation');

export class HostMetrics {
  #view: HostView | null = null;
  #disk: HostView['disk'] = null;
  #timers: NodeJS.Timeout[] = [];
  #si: Si | null = null;

  constructor(
    readonly diskPath: string,
    readonly onSample: () => void = () => {},
  ) {}

  get view(): HostView | null {
    return this.#view;
  }

  async start(): Promise<void> {
    this.#si = (await import('systeminformation')).default as unknown as Si;
    await this.#sampleDisk();
    await this.#sample();
    this.#timers.push(setInterval(() => void this.#sample(), 2000), setInterval(() => void this.#sampleDisk(), 30_000));
    for (const t of this.#timers) t.unref();
  }

  stop(): void {
    for (const t of this.#timers) clearInterval(t);
    this.#timers = [];
  }

  async #sample(): Promise<void> {
    const si = this.#si;
    if (si === null) return;
    try {
      const [load, mem, nets] = await Promise.all([si.currentLoad(), si.mem(), si.networkStats('*')]);
      const rx = nets.reduce((s, n) => s + (n.iface === 'lo' ? 0 : Math.max(0, n.rx_sec ?? 0)), 0);
      const tx = nets.reduce((s, n) => s + (n.iface === 'lo' ? 0 : Math.max(0, n.tx_sec ?? 0)), 0);
      const [l1, l5, l15] = loadavg();
      this.#view = {
        hostname: hostname(),
        cpuPercent: Math.round(load.currentLoad * 10) / 10,
        load: [round2(l1 ?? 0), round2(l5 ?? 0), round2(l15 ?? 0)],
        // "active" is what top calls used: buffers and page cache are free for the taking.
        memory: { totalBytes: mem.total, usedBytes: mem.active },
        network: { rxBytesPerSecond: Math.round(rx), txBytesPerSecond: Math.round(tx) },
        disk: this.#disk,
        uptimeSeconds: Math.round(uptime()),
      };
      this.onSample();
    } catch {
      // A failed sample keeps the previous one; metrics never take the supervisor down.
    }
  }

  async #sampleDisk(): Promise<void> {
    const si = this.#si;
    if (si === null) return;
    try {
      const all = await si.fsSize();
      // The file system holding the state directory: the longest mount point that prefixes it.
      const best = all.filter((f) => this.diskPath === f.mount || this.diskPath.startsWith(f.mount.endsWith('/') ? f.mount : `${f.mount}/`)).sort((a, b) => b.mount.length - a.mount.length)[0];
      this.#disk = best ? { path: best.mount, totalBytes: best.size, usedBytes: best.used } : null;
    } catch {
      // keep the previous value
    }
  }
}

const round2 = (n: number): number => Math.round(n * 100) / 100;
