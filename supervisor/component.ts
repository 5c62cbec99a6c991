// One supervised program: spawn it as the leader of its own process group, read its output into
// the logs, wait until it is ready, probe that it stays alive, and when it ends ask the restart
// policy what to do. Stopping is the stop signal to the whole group, a timeout, then SIGKILL to
// the whole group (systemd KillMode=control-group semantics without cgroups), so nothing it
// started is left behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Writable } from 'node:stream';
import { START_ENV, START_FD } from '../contracts/child-start.ts';
import type { ComponentExit, ComponentState, ComponentView, LogLine } from '../contracts/control-api.ts';
import type { ParamsOf, ReadyPorts, RequestMethod } from '../contracts/ipc.ts';
import type { ComponentEvents, ComponentSpec, ComponentTiming } from './component-spec.ts';
import { systemClock, type Clock, type Timer } from '../stream/clock.ts';
import { ChildChannel } from './child-channel.ts';
import { ControlError } from './errors.ts';
import { LineSplitter } from './log-ring.ts';
import { killGroup, withTimeout } from './process-group.ts';
import { decideRestart, describeEnd, FRESH_HISTORY, type RestartHistory, type RunEnd } from './restart-policy.ts';

export class Component extends EventEmitter<ComponentEvents> {
  spec: ComponentSpec;
  state: ComponentState = 'stopped';
  restarts = 0;
  lastExit: ComponentExit | null = null;
  ports: ReadyPorts | null = null;
  #child: ChildProcess | null = null;
  #channel: ChildChannel | null = null;
  readonly #clock: Clock;
  #startedAt: number | null = null;
  #readyAt: number | null = null;
  #nextRestartAt: number | null = null;
  #history: RestartHistory = FRESH_HISTORY;
  #operatorStop = false;
  #killReason: RunEnd | null = null;
  #spawnError: string | null = null;
  #timers = new Set<Timer>();
  #restartTimer: Timer | null = null;
  #probeTimer: Timer | null = null;
  #probeFailures = 0;
  #exited: (() => void)[] = [];
  #hasRun = false;

  constructor(
    spec: ComponentSpec,
    readonly timing: ComponentTiming,
  ) {
    super();
    this.spec = spec;
    this.#clock = timing.clock ?? systemClock;
  }

  get pid(): number | null {
    return this.#child?.pid ?? null;
  }

  view(now = this.#clock.now()): Omit<ComponentView, 'cpuPercent' | 'rssBytes'> {
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
  request<M extends RequestMethod>(method: M, params: ParamsOf<M>, timeoutMs = 5000): Promise<unknown> {
    if (this.#channel === null || this.state !== 'running') return Promise.reject(new ControlError('unavailable', this.spec.name));
    return this.#channel.request(method, params, timeoutMs);
  }

  /**
   * Resolves when the next run is ready; rejects with the reason when it ends on its own first, or
   * when it is not ready within `timeoutMs` (it may be waiting for a dependency that never comes).
   * An operator's stop is not an end here: `nextReady()` then `restart()` waits for the new run.
   */
  nextReady(timeoutMs = this.timing.readyTimeoutMs): Promise<ReadyPorts> {
    return new Promise((resolve, reject) => {
      const done = (): void => {
        timer.cancel();
        this.off('ready', onReady);
        this.off('ended', onEnded);
      };
      const onReady = (ports: ReadyPorts): void => {
        done();
        resolve(ports);
      };
      const onEnded = (exit: ComponentExit): void => {
        done();
        reject(new Error(`${exit.reason} before it was ready`));
      };
      const timer = this.#clock.after(timeoutMs, () => {
        done();
        reject(new Error(`not ready within ${timeoutMs / 1000} s`));
      });
      this.on('ready', onReady);
      this.on('ended', onEnded);
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
    // The hand-over pipe is fd START_FD: after stdin, stdout, stderr and the IPC channel.
    const handOver = this.spec.ipc ? this.spec.handOver : undefined;
    let child: ChildProcess;
    try {
      child = spawn(file ?? '', args, {
        cwd: this.spec.cwd,
        env: { ...process.env, ...this.spec.env, ...this.spec.envAtSpawn?.(), ...(handOver ? { [START_ENV]: String(START_FD) } : {}) },
        // Its own process group: a stop reaches everything it started (process-group.ts).
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe', ...(this.spec.ipc ? (['ipc'] as const) : []), ...(handOver ? (['pipe'] as const) : [])],
      });
    } catch (error) {
      // Synchronous failures (a bad cwd type, EACCES on some platforms) are start failures too.
      this.#spawnError = (error as Error).message;
      this.#ended({ kind: 'spawn-error' });
      return;
    }
    this.#child = child;
    this.#startedAt = this.#clock.now();
    this.#setState('starting');
    if (handOver) this.#handOver(child, handOver);
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
    if (this.spec.ipc) {
      this.#channel = new ChildChannel(this.spec.name, child, this.#clock, {
        ready: (ports) => {
          if (this.#child === child && this.state === 'starting') this.#becameReady(ports);
        },
        invalid: (problem) => this.#log('supervisor', `ignored an invalid message from ${this.spec.name} (${problem})`),
      });
    }
    child.on('close', (code, signal) => {
      if (this.#child !== child) return;
      if (child.pid === undefined) this.#ended({ kind: 'spawn-error' });
      else this.#ended(this.#killReason ?? { kind: 'exit', code, signal });
    });
  }

  /** Writes the start document to the child's pipe and closes it; a child that gets none exits and is restarted. */
  #handOver(child: ChildProcess, document: () => Promise<string>): void {
    const pipe = child.stdio[START_FD] as Writable | null | undefined;
    if (!pipe) return;
    pipe.on('error', () => {}); // the child gone first: its exit is what counts
    document().then(
      (text) => pipe.end(text),
      (error: unknown) => {
        this.#log('supervisor', `cannot hand the configuration over: ${(error as Error).message}`);
        pipe.destroy();
      },
    );
  }

  #becameReady(ports: ReadyPorts): void {
    this.#readyAt = this.#clock.now();
    this.ports = ports;
    this.#log('supervisor', this.spec.ipc ? `ready after ${((this.#readyAt - (this.#startedAt ?? this.#readyAt)) / 1000).toFixed(1)} s` : `started, pid ${this.pid}`);
    this.#setState('running');
    this.emit('ready', ports);
    if (this.spec.ipc || this.spec.probe) this.#scheduleProbe();
  }

  #scheduleProbe(): void {
    this.#probeTimer = this.#clock.after(this.timing.livenessIntervalMs, () => {
      this.#probeTimer = null;
      void this.#probe().then(() => {
        if (this.state === 'running') this.#scheduleProbe();
      });
    });
  }

  async #probe(): Promise<void> {
    const child = this.#child;
    if (child === null || this.state !== 'running') return;
    try {
      if (this.spec.ipc) await this.request('ping', {}, this.timing.livenessTimeoutMs);
      if (this.spec.probe && this.ports) await withTimeout(this.spec.probe(this.ports), this.timing.livenessTimeoutMs, this.#clock);
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
    for (const t of this.#timers) t.cancel();
    this.#timers.clear();
    this.#probeTimer?.cancel();
    this.#probeTimer = null;
    this.#channel?.close();
    this.#channel = null;
    // Whatever the leader left behind in its group goes with it: no orphans.
    if (pid !== undefined) killGroup(pid, 'SIGKILL');
    const now = this.#clock.now();
    const exit = end.kind === 'exit' ? end : { code: null, signal: end.kind === 'spawn-error' ? null : 'SIGKILL' };
    this.lastExit = { code: exit.code, signal: exit.signal, at: new Date(now).toISOString(), reason: describeEnd(end, this.#spawnError ?? undefined) };
    const waiters = this.#exited.splice(0);
    if (this.#operatorStop) {
      this.#log('supervisor', `stopped (${this.lastExit.reason})`);
      this.#setState('stopped');
      for (const w of waiters) w();
      return;
    }
    this.emit('ended', this.lastExit);
    const decision = decideRestart({ mode: this.spec.restart, end, now, readyAt: this.#readyAt, history: this.#history, random: (this.timing.random ?? Math.random)() }, this.timing.policy);
    this.#history = decision.history;
    for (const w of waiters) w();
    if (!decision.restart) {
      this.#log('supervisor', `${this.lastExit.reason}; restart: ${this.spec.restart}, so it stays stopped`);
      this.#setState('stopped');
      return;
    }
    const loud = decision.state === 'crash-looping' ? `CRASH LOOP (${decision.history.recentEnds.length} exits within ${this.timing.policy.crashLoopWindowMs / 1000} s); ` : '';
    if (decision.delayMs === 0) {
      // The first failure: straight back, no backoff state in between.
      this.#log('supervisor', `${this.lastExit.reason}; ${loud}starting again at once`);
      this.restarts += 1;
      this.#spawn();
      return;
    }
    this.#log('supervisor', `${this.lastExit.reason}; ${loud}starting again in ${(decision.delayMs / 1000).toFixed(1)} s`);
    this.#nextRestartAt = now + decision.delayMs;
    this.#restartTimer = this.#clock.after(decision.delayMs, () => {
      this.#restartTimer = null;
      this.#nextRestartAt = null;
      this.restarts += 1;
      this.#spawn();
    });
    this.#setState(decision.state);
  }

  #clearRestart(): void {
    this.#restartTimer?.cancel();
    this.#restartTimer = null;
    this.#nextRestartAt = null;
  }

  #signalGroup(signal: NodeJS.Signals): void {
    const pid = this.#child?.pid;
    if (pid !== undefined) killGroup(pid, signal);
  }

  #after(ms: number, fn: () => void): void {
    const t = this.#clock.after(ms, () => {
      this.#timers.delete(t);
      fn();
    });
    this.#timers.add(t);
  }

  #setState(state: ComponentState): void {
    if (state === this.state) return;
    this.state = state;
    this.emit('change');
  }

  #log(stream: LogLine['stream'], text: string): void {
    this.emit('log', { at: new Date(this.#clock.now()).toISOString(), stream, text });
  }
}
