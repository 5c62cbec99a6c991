// The relay core's pulls: one per `relay.relays[]` entry, plus one per mount a master lists when
// `relay.master` is set (master–slave mirroring). Each feeds a local mount as a source of kind
// 'relay', so a relayed mount behaves like a local one: burst, ICY titles, stats, fallbacks.
import type { RelayPullConfig } from '../../config/schema.ts';
import { mountName } from '../../config/schema.ts';
import type { RelayContext } from '../../stream/context.ts';
import type { RelayLog } from '../../stream/log.ts';
import type { BackoffPolicy } from '../../stream/pull/backoff.ts';
import { MasterPoller, type MasterStats } from './master.ts';
import { mountSink } from '../../stream/pull/mount-sink.ts';
import { onDemand, type OnDemand } from '../../stream/pull/on-demand.ts';
import { RelayPull, type PullStats } from '../../stream/pull/pull.ts';
import { mirrorPlan } from './streamlist.ts';

export interface PullServiceOptions {
  log?: RelayLog;
  backoff?: BackoffPolicy;
  random?: () => number;
  connectTimeoutMs?: number;
  /** How long a listener of an idle on-demand mount waits for its upstream. Default 15 s. */
  holdMs?: number;
  /** How long an on-demand upstream stays connected after its last listener left. Default 5 s. */
  lingerMs?: number;
}

export interface PulledMount {
  mount: string;
  origin: 'relay' | 'master';
  onDemand: boolean;
  stats: PullStats;
}

export interface PullService {
  list(): PulledMount[];
  master(): MasterStats | null;
  stop(): void;
}

interface Entry {
  origin: PulledMount['origin'];
  pull: RelayPull;
  demand: OnDemand | null;
}

type PullSpec = Pick<RelayPullConfig, 'url' | 'username' | 'password' | 'onDemand' | 'icyMetadata'>;

/** The local mount of a relay: `localMount`, else the upstream's path (an error text if unusable). */
export function localMountOf(relay: Pick<RelayPullConfig, 'url' | 'localMount'>): string | { error: string } {
  if (relay.localMount) return relay.localMount;
  let path: string;
  try {
    path = decodeURIComponent(new URL(relay.url).pathname);
  } catch {
    return { error: 'the upstream URL has no usable path' };
  }
  if (path === '/' || !mountName.safeParse(path).success) return { error: `set localMount: the upstream path "${path}" is not a mount name` };
  return path;
}

export function startPullService(ctx: RelayContext, o: PullServiceOptions = {}): PullService {
  const log = o.log ?? (() => {});
  const entries = new Map<string, Entry>();

  const add = (name: string, spec: PullSpec, origin: Entry['origin']): void => {
    let demand: OnDemand | null = null;
    const pull = new RelayPull({
      url: spec.url,
      username: spec.username,
      password: spec.password,
      icyMetadata: spec.icyMetadata,
      clock: ctx.clock,
      sink: mountSink(ctx, name, (mount) => {
        if (demand?.takeFresh()) mount.release();
      }),
      idleTimeoutMs: ctx.config.limits.sourceTimeout * 1000,
      log: (level, message) => log(level, `${name}: ${message}`),
      ...(o.connectTimeoutMs !== undefined ? { connectTimeoutMs: o.connectTimeoutMs } : {}),
      ...(o.backoff ? { backoff: o.backoff } : {}),
      ...(o.random ? { random: o.random } : {}),
    });
    if (spec.onDemand) demand = onDemand(ctx, name, pull, { holdMs: o.holdMs ?? 15_000, lingerMs: o.lingerMs ?? 5_000 });
    else pull.start();
    entries.set(name, { origin, pull, demand });
  };
  const remove = (name: string): void => {
    const e = entries.get(name);
    if (!e) return;
    entries.delete(name);
    if (e.demand) e.demand.stop();
    else e.pull.stop();
  };

  ctx.config.relays.forEach((relay, i) => {
    const name = localMountOf(relay);
    if (typeof name !== 'string') return log('error', `relay.relays[${i}]: ${name.error}`);
    if (entries.has(name)) return log('error', `relay.relays[${i}]: ${name} is already relayed by an earlier entry`);
    add(name, relay, 'relay');
  });

  const m = ctx.config.master;
  let master: MasterPoller | null = null;
  if (m) {
    const reserved = new Set([...entries.keys()]);
    master = new MasterPoller({
      url: m.url,
      username: m.username,
      password: m.password,
      intervalMs: Math.max(1, m.updateInterval) * 1000,
      clock: ctx.clock,
      log,
      onList: (mounts) => {
        const mirrored = new Set([...entries].filter(([, e]) => e.origin === 'master').map(([name]) => name));
        const plan = mirrorPlan(mirrored, mounts, reserved);
        for (const name of plan.stop) remove(name);
        for (const name of plan.start) {
          const url = new URL(name, new URL(m.url).origin).href;
          add(name, { url, username: m.username, password: m.password, onDemand: m.onDemand, icyMetadata: true }, 'master');
        }
      },
    });
    master.start();
  }

  return {
    list: () => [...entries].map(([mount, e]) => ({ mount, origin: e.origin, onDemand: e.demand !== null, stats: e.pull.stats })),
    master: () => master?.stats ?? null,
    stop: () => {
      master?.stop();
      for (const name of [...entries.keys()]) remove(name);
    },
  };
}
