// One supervised program: spawn it as the leader of its own process group, read its output into
// the logs, wait until it is ready, probe that it stays alive, and when it ends ask the restart
// policy what to do. Stopping is the stop signal to the whole group, a timeout, then SIGKILL to
// the whole group (systemd KillMode=control-group semantics without cgroups), so nothing it
// started is left behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { ComponentExit, ComponentState, ComponentView, LogLine } from '../contracts/control-api.ts';
import { ControlError } from './errors.ts';
import { isChildMessage, type ReadyPorts, type RequestMethod } from '../contracts/ipc.ts';
import { LineSplitter } from './log-ring.ts';
import { decideRestart, describeEnd, FRESH_HISTORY, type RestartHistory, type RestartMode, type RestartPolicy, type RunEnd } from './restart-policy.ts';

export interface ComponentSpec {
  name: string;
  kind: ComponentView['kind'];
  /** The executable and its arguments; no shell. */
  command: readonly string[];
  env: Readonly<Record<string, string>>;
  cwd: string;
  stopSignal: NodeJS.Signals;
  stopTimeoutMs: number;
  restart: RestartMode;
  /** A Node child with an IPC channel: it says `ready` and answers pings and requests. */
  ipc: boolean;
  /** Started once these components are ready. */
  dependsOn: readonly string[];
  /** Extra environment computed at each spawn (the ports to keep across restarts). */
  envAtSpawn?: () => Record<string, string>;
  /** An extra liveness probe given the ports the child reported; rejects when it fails. */
  probe?: (ports: ReadyPorts) => Promise<void>;
}

export interface ComponentTiming {
  policy: RestartPolicy;
  /** An IPC child that has not said `ready` by then is killed and counted as a failed start. */
  readyTimeoutMs: number;
  livenessIntervalMs: number;
  livenessTimeoutMs: number;
  /** Consecutive failed probes before the component is killed and restarted. */
  livenessFailures: number;
  random?: () => number;
}

export interface ComponentEvents {
  change: [];
  ready: [ReadyPorts];
  log: [LogLine];
}

/** Requests in flight to one child; more are refused rather than queued without bound. */
const MAX_PENDING = 64;

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class Component extends EventEmitter<ComponentEvents> {
  spec: ComponentSpec;
  state: ComponentState = 'stopped';
  restarts = 0;
  lastExit: ComponentExit | null = null;
  ports: ReadyPorts | null = null;
  #child: ChildProcess | null = null;
  #startedAt: number | null = null;
  #readyAt: number | null = null;
  #nextRestartAt: number | null = null;
  #history: RestartHistory = FRESH_HISTORY;
  #operatorStop = false;
  #killReason: RunEnd | null = null;
  #spawnError: string | null = null;
  #timers = new Set<NodeJS.Timeout>();
  #restartTimer: NodeJS.Timeout | null = null;
  #probeTimer: NodeJS.Timeout | null = null;
  #probeFailures = 0;
  #pending = new Map<number, Pending>();
  #nextId = 1;
  #exited: (() => void)[] = [];
  #hasRun = false;

  constructor(
    spec: ComponentSpec,
    readonly timing: ComponentTiming,
  ) {
    super();
    this.spec = spec;
  }

  get pid(): number | null {
    return this.#child?.pid ?? null;
  }

  view(now = Date.now()): Omit<ComponentView, 'cpuPercent' | 'rssBytes'> {
    const running = this.#startedAt !== null && this.#child !== null;
    return {
      name: this.spec.name,
      kind: this.spec.kind,
      state: this.state,
      pid: this.pid,
      startedAt: running ? new Date(this.#startedAt!).toISOString() : null,
      uptimeSeconds: running ? Math.max(0, Math.round((now - this.#startedAt!) / 1000)) : null,
      restarts: this.restarts,
      lastExit: this.lastExit,
      nextRestartSeconds: this.#nextRestartAt === null ? null : Math.max(0, Math.round((this.#nextRestartAt - now) / 100) / 10),
    };
  }

  /** Starts a stopped component (or one waiting in backoff: at once). */
  start(): void {
    if (this.#child !== null) throw new ControlError('already-running', this.spec.name);
    this.#clearRestart();
    this.#operatorStop = false;
    this.#spawn();
  }

  /** Stops it (and any restart it was waiting for); resolves once every process of it is gone. */
  async stop(): Promise<void> {
    this.#operatorStop = true;
    this.#clearRestart();
    const child = this.#child;
    if (child === null) {
      this.#setState('stopped');
      return;
    }
    const gone = new Promise<void>((resolve) => this.#exited.push(resolve));
    this.#setState('stopping');
    this.#log('supervisor', `stopping (${this.spec.stopSignal}, SIGKILL after ${this.spec.stopTimeoutMs / 1000} s)`);
    this.#signalGroup(this.spec.stopSignal);
    this.#after(this.spec.stopTimeoutMs, () => {
      if (this.#child === child) {
        this.#log('supervisor', `still running after ${this.spec.stopTimeoutMs / 1000} s: SIGKILL to its process group`);
        this.#signalGroup('SIGKILL');
      }
    });
    await gone;
  }

  async restart(): Promise<void> {
    await this.stop();
    this.restarts += 1;
    this.start();
  }

  /** Asks an IPC child; rejects with a ControlError when it is not running or does not answer. */
  request(method: RequestMethod, params: Record<string, unknown> = {}, timeoutMs = 5000): Promise<unknown> {
    const child = this.#child;
    if (child === null || !child.connected || this.state !== 'running') return Promise.reject(new ControlError('unavailable', this.spec.name));
    if (this.#pending.size >= MAX_PENDING) return Promise.reject(new ControlError('failed', `${this.spec.name} is busy`));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new ControlError('failed', `${this.spec.name} did not answer in time`));
      }, timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      child.send({ type: 'request', id, method, params }, (err) => {
        if (err === null) return;
        clearTimeout(timer);
        this.#pending.delete(id);
        reject(new ControlError('unavailable', this.spec.name));
      });
    });
  }

  #spawn(): void {
    if (this.#hasRun) this.#log('supervisor', 'starting again');
    this.#hasRun = true;
    this.#killReason = null;
    this.#spawnError = null;
    this.#readyAt = null;
    this.#probeFailures = 0;
    this.ports = null;
    const [file, ...args] = this.spec.command;
    let child: ChildProcess;
    try {
      child = spawn(file ?? '', args, {
        cwd: this.spec.cwd,
        env: { ...process.env, ...this.spec.env, ...this.spec.envAtSpawn?.() },
        // Its own process group: a stop reaches everything it started (research §1.8 item 8).
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe', ...(this.spec.ipc ? (['ipc'] as const) : [])],
      });
    } catch (error) {
      // Synchronous failures (a bad cwd type, EACCES on some platforms) are start failures too.
      this.#spawnError = (error as Error).message;
      this.#ended({ kind: 'spawn-error' });
      return;
    }
    this.#child = child;
    this.#startedAt = Date.now();
    this.#setState('starting');
    for (const [stream, name] of [
      [child.stdout, 'stdout'],
      [child.stderr, 'stderr'],
    ] as const) {
      const lines = new LineSplitter((text) => this.#log(name, text));
      stream?.on('data', (chunk: Buffer) => lines.write(chunk));
      stream?.on('end', () => lines.flush());
    }
    child.on('error', (error) => {
      if (child.pid !== undefined && this.#child === child) return; // a failed send: the exit follows
      this.#spawnError = error.message;
    });
    child.on('spawn', () => {
      if (!this.spec.ipc) this.#becameReady({});
      else this.#after(this.timing.readyTimeoutMs, () => this.#kill(child, { kind: 'ready-timeout' }, this.state === 'starting'));
    });
    child.on('message', (m: unknown) => {
      if (!isChildMessage(m)) return;
      if (m.type === 'ready' && this.#child === child) this.#becameReady(m.ports);
      if (m.type === 'response') {
        const p = this.#pending.get(m.id);
        if (!p) return;
        this.#pending.delete(m.id);
        clearTimeout(p.timer);
        if (m.ok) p.resolve(m.result);
        else p.reject(Object.assign(new Error(m.message), { code: m.code }));
      }
    });
    child.on('close', (code, signal) => {
      if (this.#child !== child) return;
      if (child.pid === undefined) this.#ended({ kind: 'spawn-error' });
      else this.#ended(this.#killReason ?? { kind: 'exit', code, signal });
    });
  }

  #becameReady(ports: ReadyPorts): void {
    this.#readyAt = Date.now();
    this.ports = ports;
    this.#log('supervisor', this.spec.ipc ? `ready after ${((this.#readyAt - (this.#startedAt ?? this.#readyAt)) / 1000).toFixed(1)} s` : `started, pid ${this.pid}`);
    this.#setState('running');
    this.emit('ready', ports);
    if (this.spec.ipc || this.spec.probe) this.#scheduleProbe();
  }

  #scheduleProbe(): void {
    this.#probeTimer = setTimeout(() => {
      this.#probeTimer = null;
      void this.#probe().then(() => {
        if (this.state === 'running') this.#scheduleProbe();
      });
    }, this.timing.livenessIntervalMs);
    this.#probeTimer.unref();
  }

  async #probe(): Promise<void> {
    const child = this.#child;
    if (child === null || this.state !== 'running') return;
    try {
      if (this.spec.ipc) await this.request('ping', {}, this.timing.livenessTimeoutMs);
      if (this.spec.probe && this.ports) await withTimeout(this.spec.probe(this.ports), this.timing.livenessTimeoutMs);
      this.#probeFailures = 0;
    } catch (error) {
      if (this.#child !== child) return;
      this.#probeFailures += 1;
      this.#log('supervisor', `liveness probe failed (${this.#probeFailures}/${this.timing.livenessFailures}): ${(error as Error).message}`);
      if (this.#probeFailures >= this.timing.livenessFailures) this.#kill(child, { kind: 'probe' }, true);
    }
  }

  #kill(child: ChildProcess, reason: RunEnd, when: boolean): void {
    if (!when || this.#child !== child) return;
    this.#killReason = reason;
    this.#log('supervisor', `${describeEnd(reason)}: SIGKILL to its process group`);
    this.#signalGroup('SIGKILL');
  }

  #ended(end: RunEnd): void {
    const pid = this.#child?.pid;
    this.#child = null;
    this.#startedAt = null;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    if (this.#probeTimer) clearTimeout(this.#probeTimer);
    this.#probeTimer = null;
    for (const p of this.#pending.values()) {
      clearTimeout(p.timer);
      p.reject(new ControlError('unavailable', this.spec.name));
    }
    this.#pending.clear();
    // Whatever the leader left behind in its group goes with it: no orphans.
    if (pid !== undefined) killGroup(pid, 'SIGKILL');
    const now = Date.now();
    const exit = end.kind === 'exit' ? end : { code: null, signal: end.kind === 'spawn-error' ? null : 'SIGKILL' };
    this.lastExit = { code: exit.code, signal: exit.signal, at: new Date(now).toISOString(), reason: describeEnd(end, this.#spawnError ?? undefined) };
    const waiters = this.#exited.splice(0);
    if (this.#operatorStop) {
      this.#log('supervisor', `stopped (${this.lastExit.reason})`);
      this.#setState('stopped');
      for (const w of waiters) w();
      return;
    }
    const decision = decideRestart({ mode: this.spec.restart, end, now, readyAt: this.#readyAt, history: this.#history, random: (this.timing.random ?? Math.random)() }, this.timing.policy);
    this.#history = decision.history;
    for (const w of waiters) w();
    if (!decision.restart) {
      this.#log('supervisor', `${this.lastExit.reason}; restart: ${this.spec.restart}, so it stays stopped`);
      this.#setState('stopped');
      return;
    }
    const loud = decision.state === 'crash-looping' ? `CRASH LOOP (${decision.history.recentEnds.length} exits within ${this.timing.policy.crashLoopWindowMs / 1000} s); ` : '';
    this.#log('supervisor', `${this.lastExit.reason}; ${loud}starting again in ${(decision.delayMs / 1000).toFixed(1)} s`);
    this.#nextRestartAt = now + decision.delayMs;
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = null;
      this.#nextRestartAt = null;
      this.restarts += 1;
      this.#spawn();
    }, decision.delayMs);
    this.#setState(decision.state);
  }

  #clearRestart(): void {
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    this.#restartTimer = null;
    this.#nextRestartAt = null;
  }

  #signalGroup(signal: NodeJS.Signals): void {
    const pid = this.#child?.pid;
    if (pid !== undefined) killGroup(pid, signal);
  }

  #after(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      fn();
    }, ms);
    this.#timers.add(t);
  }

  #setState(state: ComponentState): void {
    if (state === this.state) return;
    this.state = state;
    this.emit('change');
  }

  #log(stream: LogLine['stream'], text: string): void {
    this.emit('log', { at: new Date().toISOString(), stream, text });
  }
}

/** Signals a whole process group; a group that is already gone is not an error. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: nothing left in it.
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
