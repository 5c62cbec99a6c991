// The StateSnapshot the control API serves (contracts/control-api.ts), assembled from the
// components, the poller's reports and the audit log. `seq` counts changes, not requests: a client
// that saw this seq has seen this state.
import type { Config } from '../config/schema.ts';
import type { AuditEntry, ComponentView, HostView, StateSnapshot } from '../contracts/control-api.ts';
import type { Clock } from '../stream/clock.ts';
import type { ComponentSet } from './component-set.ts';
import type { Poller } from './poller.ts';
import { emptySecurity, mountViews, overallHealth } from './state.ts';
import { holdView } from './hold-view.ts';

export interface SnapshotSources {
  clock: Clock;
  /** The configuration in force. */
  config(): Config;
  configPath: string | null;
  startedAt: number;
  components: ComponentSet;
  poller: Poller;
  host(): HostView | null;
  audit(): AuditEntry[];
}

export class Snapshots {
  #seq = 0;
  #lastJson = '';

  constructor(readonly s: SnapshotSources) {}

  componentViews(now: number): ComponentView[] {
    return this.s.components.values().map((c) => {
      const u = c.pid === null ? undefined : this.s.poller.usage.get(c.pid);
      return { ...c.view(now), cpuPercent: u?.cpuPercent ?? null, rssBytes: u?.rssBytes ?? null };
    });
  }

  snapshot(): StateSnapshot {
    const { s } = this;
    const now = s.clock.now();
    const config = s.config();
    const security = s.poller.gatewayReport?.security ?? emptySecurity();
    const views = this.componentViews(now);
    const body = {
      station: { name: config.station.name },
      supervisor: { pid: process.pid, startedAt: new Date(s.startedAt).toISOString(), readOnly: config.supervisor.readOnly, configFile: s.configPath },
      historyIntervalSeconds: s.poller.o.historyMs / 1000,
      health: overallHealth(views, security),
      components: views,
      host: s.host(),
      mounts: mountViews(s.poller.relayReport, s.poller.gatewayReport, s.poller.history, s.poller.reconnects),
      security,
      audit: s.audit(),
      hold: holdView((s.poller.gatewayReport as { hold?: unknown } | null)?.hold),
    };
    // Times that move by themselves are no change.
    const json = JSON.stringify({ ...body, components: views.map((v) => ({ ...v, uptimeSeconds: null, nextRestartSeconds: null })) });
    if (json !== this.#lastJson) {
      this.#lastJson = json;
      this.#seq += 1;
    }
    return { seq: this.#seq, now: new Date(now).toISOString(), ...body };
  }
}
