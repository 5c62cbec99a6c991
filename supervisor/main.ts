// `icegate start`: the relay core and the gateway in front of it, side by side (specs.ts), then
// the extra components; each kept alive by its restart policy; the control API on the unix socket;
// reload on SIGHUP; stop in reverse order on SIGINT/SIGTERM or POST /v1/stop. This file only
// puts the parts together: the component set, the reloader, the control backend, the poller.
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Config, ResolvedSecrets } from '../config/schema.ts';
import type { StateSnapshot } from '../contracts/control-api.ts';
import { systemClock, type Clock } from '../stream/clock.ts';
import { AuditLog } from './audit.ts';
import { Component } from './component.ts';
import type { ComponentTiming } from './component-spec.ts';
import { ComponentSet } from './component-set.ts';
import { controlBackend } from './control-backend.ts';
import { ControlServer } from './control-server.ts';
import { HostMetrics } from './host-metrics.ts';
import { LogFile } from './log-files.ts';
import { LogRing } from './log-ring.ts';
import { logsDir, runtimeDir, socketPath } from './paths.ts';
import { Poller } from './poller.ts';
import { reloadTargets } from './reload-targets.ts';
import { Reloader, type ReloadOutcome } from './reloader.ts';
import { DEFAULT_RESTART_POLICY } from './restart-policy.ts';
import { handleSignals } from './signals.ts';
import { Snapshots } from './snapshot.ts';
import { LinkService } from './links/service.ts';
import type { ListenerUserService } from './listener-users/service.ts';
import { tokenKeyring } from '../config/secrets.ts';
import { ComponentSpecs } from './specs.ts';

export type { ReloadOutcome } from './reloader.ts';

export const DEFAULT_TIMING: ComponentTiming = {
  policy: DEFAULT_RESTART_POLICY,
  readyTimeoutMs: 30_000,
  livenessIntervalMs: 5000,
  livenessTimeoutMs: 2000,
  livenessFailures: 3,
};

export interface SupervisorOptions {
  config: Config;
  /** The file the children read and a reload re-reads; null = built-in defaults. */
  configPath: string | null;
  timing?: Partial<ComponentTiming>;
  /** Sample host metrics from /proc while a dashboard watches (tests turn it off). */
  hostMetrics?: boolean;
  /** How often children are asked for mounts and security, and component CPU is sampled. */
  pollIntervalMs?: number;
  historyIntervalSeconds?: number;
  /** Progress lines for the terminal ("relay: ready after 0.4 s"). */
  progress?: (line: string) => void;
  /** Every delay and timestamp; tests inject a fake one. */
  clock?: Clock;
  /** The secrets `icegate start` resolved for `config`; else resolved here (config/secrets.ts). */
  secrets?: ResolvedSecrets;
}

export interface RunningSupervisor {
  readonly socketPath: string;
  readonly components: ReadonlyMap<string, Component>;
  /** The configuration in force: the one every component accepted. */
  readonly config: Config;
  snapshot(): StateSnapshot;
  reload(): Promise<ReloadOutcome>;
  stop(): Promise<void>;
  /** Resolves once everything has stopped. */
  readonly stopped: Promise<void>;
}

export async function runSupervisor(o: SupervisorOptions): Promise<RunningSupervisor> {
  let config = o.config;
  const clock = o.clock ?? systemClock;
  const configPath = o.configPath === null ? null : resolve(o.configPath);
  const timing: ComponentTiming = { ...DEFAULT_TIMING, clock, ...o.timing };
  const progress = o.progress ?? (() => {});
  const startedAt = clock.now();
  const sock = socketPath(config, configPath);
  const pidFile = join(runtimeDir(config, configPath), 'icegate.pid');
  const logFiles = () => ({ dir: logsDir(config), maxBytes: config.supervisor.logs.maxBytes, files: config.supervisor.logs.files });

  const subscribers = new Set<() => void>();
  const changed = (): void => {
    for (const s of subscribers) s();
  };
  const audit = new AuditLog(logFiles());
  const record = (entry: { user: string; action: string; target: string; ok: boolean; message: string }): void => {
    audit.record(entry, new Date(clock.now()));
    changed();
  };

  // Resolved once per configuration, so the relay and the gateway starting side by side never
  // both generate a missing secret (a reload's configuration resolves again: a password it sets wins).
  const resolved = new WeakMap<Config, Promise<ResolvedSecrets>>();
  if (o.secrets) resolved.set(config, Promise.resolve(o.secrets));
  const secretsFor = (c: Config): Promise<ResolvedSecrets> => {
    let p = resolved.get(c);
    if (!p) resolved.set(c, (p = import('../config/secrets.ts').then(async (m) => (await m.resolveSecrets(c)).secrets)));
    return p;
  };
  const specs = new ComponentSpecs(configPath, secretsFor);
  const rings = new Map<string, LogRing>();
  const components = new ComponentSet((spec) => {
    const c = new Component(spec, timing);
    const ring = rings.get(spec.name) ?? new LogRing();
    rings.set(spec.name, ring);
    const file = new LogFile(spec.name, logFiles());
    c.on('log', (line) => {
      ring.push(line);
      file.write(line);
      if (line.stream === 'supervisor') progress(`${spec.name}: ${line.text}`);
    });
    c.on('change', changed);
    c.on('ready', (ports) => specs.remember(c.spec.kind, ports));
    if (spec.kind === 'gateway') c.on('ready', () => links.gatewayReady());
    return c;
  });

  const reloader = new Reloader({
    configPath,
    current: () => config,
    commit: (next) => {
      config = next;
      // A later restart hands over the configuration in force, live keys included.
      const relay = components.get('relay');
      const gateway = components.get('gateway');
      if (relay) relay.spec = specs.relay(next);
      if (gateway) gateway.spec = specs.gateway(next);
      changed();
    },
    targets: reloadTargets(components, specs),
    progress,
  });

  const host = o.hostMetrics === false ? null : new HostMetrics(config.stateDir, changed);
  const historyMs = (o.historyIntervalSeconds ?? 5) * 1000;
  // Unwatched, the children are asked once per history sample only (a configured poll interval keeps its pace).
  const poller = new Poller({ components, clock, pollMs: o.pollIntervalMs ?? 1000, historyMs, idleMs: o.pollIntervalMs === undefined ? historyMs : undefined, changed });
  const snapshots = new Snapshots({ clock, config: () => config, configPath, startedAt, components, poller, host: () => host?.view ?? null, audit: () => audit.entries });

  // The operator's links (links/service.ts); a links file that does not parse stops the start here.
  // The key that signs them is generated now when none is configured, before a child reads it.
  await tokenKeyring(config);
  const links = await LinkService.open({
    stateDir: config.stateDir,
    config: () => config,
    clock,
    gateway: () => (components.get('gateway')?.state === 'running' ? components.get('gateway')! : null),
    relay: () => (components.get('relay')?.state === 'running' ? components.get('relay')! : null),
    gatewayTlsPort: () => components.get('gateway')?.ports?.listenerTls ?? null,
    liveMounts: () => snapshots.snapshot().mounts.map((m) => m.mount),
    log: progress,
  });

  let listenerUsers: Promise<ListenerUserService> | null = null;
  let stopping: Promise<void> | null = null;
  let markStopped: () => void = () => {};
  const stopped = new Promise<void>((r) => (markStopped = r));
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      progress('stopping');
      poller.stop();
      host?.stop();
      links.close();
      await components.stopAll();
      await control.close();
      rmSync(pidFile, { force: true });
      rmSync(sock, { force: true });
      detachSignals();
      progress('stopped');
      markStopped();
    })();
    return stopping;
  };

  // Control API first: a second `icegate start` is refused here, before anything is spawned.
  const control = new ControlServer(
    controlBackend({
      components,
      clock,
      rings,
      snapshot: () => snapshots.snapshot(),
      subscribe: (listener) => {
        subscribers.add(listener);
        return () => subscribers.delete(listener);
      },
      // Host metrics, and polls at pollMs, only while a dashboard watches the event stream.
      watch: () => {
        const releaseHost = host?.watch();
        const releasePoll = poller.watch();
        return () => {
          releaseHost?.();
          releasePoll();
        };
      },
      readOnly: () => config.supervisor.readOnly,
      reload: async () => (await reloader.reload()).message,
      stop: () => void stop(),
      audit: record,
      links,
      // Relative htpasswd paths are next to the configuration file, as the gateway reads them.
      listenerUsers: () =>
        (listenerUsers ??= import('./listener-users/service.ts').then(
          (mod) => new mod.ListenerUserService({ config: () => config, baseDir: configPath === null ? process.cwd() : dirname(configPath), liveMounts: () => snapshots.snapshot().mounts.map((m) => m.mount) }),
        )),
    }),
  );
  await control.listen(sock);
  writeFileSync(pidFile, `${process.pid}\n`, { mode: 0o640 });
  progress(`control API on ${sock}`);

  void host?.start().catch(() => {});
  poller.start();

  // SIGHUP has no client to answer: the outcome goes to the terminal and the audit log.
  const detachSignals = handleSignals({
    reload: () =>
      void reloader.reload().then(
        (r) => record({ user: 'SIGHUP', action: 'reload', target: '', ok: true, message: r.message }),
        (e: unknown) => {
          progress(`reload: ${(e as Error).message}`);
          record({ user: 'SIGHUP', action: 'reload', target: '', ok: false, message: (e as Error).message });
        },
      ),
    stop: () => void stop(),
  });

  if (config.supervisor.useRelay) components.launch(components.add(specs.relay(config)));
  components.launch(components.add(specs.gateway(config)));
  for (const c of config.supervisor.components) components.launch(components.add(specs.extra(c)));

  return {
    socketPath: sock,
    components: components.map,
    get config() {
      return config;
    },
    snapshot: () => snapshots.snapshot(),
    reload: () => reloader.reload(),
    stop,
    stopped,
  };
}
