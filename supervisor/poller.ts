// The supervisor's view of what runs, refreshed once per poll: the relay's and the gateway's
// reports (asked over IPC), CPU and memory per component's process group, and the mounts' history
// once per history interval. One poll at a time: a slow child never piles polls up.
import type { Clock, Timer } from '../stream/clock.ts';
import type { ComponentSet } from './component-set.ts';
import { GroupSampler, type GroupUsage } from './proc-usage.ts';
import { MountHistory, mountTotals, type GatewayReport, type RelayReport } from './state.ts';
import { SourceReconnects } from './source-view.ts';

/** How long a child gets to answer `snapshot`. */
const REPORT_TIMEOUT_MS = 2000;

export interface PollerOptions {
  components: ComponentSet;
  clock: Clock;
  pollMs: number;
  historyMs: number;
  /** Between polls while nobody watches (see watch()); default pollMs. */
  idleMs?: number;
  /** Called after every poll. */
  changed(): void;
}

export class Poller {
  relayReport: RelayReport | null = null;
  gatewayReport: GatewayReport | null = null;
  usage = new Map<number, GroupUsage>();
  readonly history = new MountHistory();
  /** Sources that came back per mount, across relay restarts. */
  readonly reconnects = new SourceReconnects();
  readonly #sampler = new GroupSampler();
  #lastHistory = Number.NEGATIVE_INFINITY;
  #timer: Timer | null = null;
  #stopped = false;
  #watchers = 0;

  constructor(readonly o: PollerOptions) {}

  /** A dashboard watches: poll every pollMs (at once, if waiting) until the returned release. */
  watch(): () => void {
    this.#watchers += 1;
    if (this.#watchers === 1 && this.#timer !== null) {
      this.#timer.cancel();
      this.#timer = null;
      void this.poll().finally(() => this.#schedule());
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#watchers -= 1;
    };
  }

  start(): void {
    this.#schedule();
  }

  stop(): void {
    this.#stopped = true;
    this.#timer?.cancel();
    this.#timer = null;
  }

  #schedule(): void {
    if (this.#stopped) return;
    const ms = this.#watchers > 0 ? this.o.pollMs : (this.o.idleMs ?? this.o.pollMs);
    this.#timer = this.o.clock.after(ms, () => void this.poll().finally(() => this.#schedule()));
  }

  async poll(): Promise<void> {
    const relay = this.o.components.get('relay');
    const gateway = this.o.components.get('gateway');
    const [r, g] = await Promise.all([
      relay?.state === 'running' ? relay.request('snapshot', {}, REPORT_TIMEOUT_MS).catch(() => null) : null,
      gateway?.state === 'running' ? gateway.request('snapshot', {}, REPORT_TIMEOUT_MS).catch(() => null) : null,
    ]);
    this.relayReport = relay?.state === 'running' ? ((r as RelayReport | null) ?? this.relayReport) : null;
    this.gatewayReport = gateway?.state === 'running' ? ((g as GatewayReport | null) ?? this.gatewayReport) : null;
    this.reconnects.update(this.relayReport?.sources ?? null);
    this.usage = this.#sampler.sample(this.o.components.values().map((c) => c.pid).filter((p): p is number => p !== null));
    const now = this.o.clock.now();
    if (now - this.#lastHistory >= this.o.historyMs) {
      this.#lastHistory = now;
      this.history.sample(mountTotals(this.relayReport, this.gatewayReport), now);
    }
    this.o.changed();
  }
}
