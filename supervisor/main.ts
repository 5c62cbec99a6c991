// `icegate start`: the relay core, then — once it is ready — the gateway in front of it, then the
// extra components; each kept alive by its restart policy; the control API on the unix socket;
// reload on SIGHUP; stop in reverse order on SIGINT/SIGTERM or POST /v1/stop.
import { rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatConfigError } from '../config/errors.ts';
import { loadConfig } from '../config/load.ts';
import type { ComponentConfig, Config } from '../config/schema.ts';
import type { ListenerStats } from '../stream/types.ts';
import { AuditLog } from './audit.ts';
import { Component, type ComponentSpec, type ComponentTiming } from './component.ts';
import type { ComponentView, ListenersPage, ListenerView, LogPage, StateSnapshot } from '../contracts/control-api.ts';
import { ControlServer, type ControlBackend } from './control-server.ts';
import { ControlError } from './errors.ts';
import { HostMetrics } from './host-metrics.ts';
import { OVERRIDES_ENV, type ChildOverrides, type ReadyPorts } from '../contracts/ipc.ts';
import { LogFile } from './log-files.ts';
import { LogRing } from './log-ring.ts';
import { logsDir, runtimeDir, socketPath } from './paths.ts';
import { httpProbe, loopbackFor, tcpProbe } from './probes.ts';
import { GroupSampler, type GroupUsage } from './proc-usage.ts';
import { planReload, type ReloadPlan } from './reload.ts';
import { DEFAULT_RESTART_POLICY } from './restart-policy.ts';
import { emptySecurity, MountHistory, mountTotals, mountViews, overallHealth, type GatewayReport, type RelayReport } from './state.ts';

// The package's bin/icegate.js, from the sources (supervisor/) or from the build (dist/supervisor/).
const BIN = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../bin/icegate.js' : '../../bin/icegate.js', import.meta.url));

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
  /** Sample host metrics with systeminformation (tests turn it off). */
  hostMetrics?: boolean;
  /** How often children are asked for mounts and security, and component CPU is sampled. */
  pollIntervalMs?: number;
  historyIntervalSeconds?: number;
  /** Progress lines for the terminal ("relay: ready after 0.4 s"). */
  progress?: (line: string) => void;
}

export interface ReloadOutcome {
  plan: ReloadPlan;
  message: string;
}

export interface RunningSupervisor {
  readonly socketPath: string;
  readonly components: ReadonlyMap<string, Component>;
  snapshot(): StateSnapshot;
  reload(): Promise<ReloadOutcome>;
  stop(): Promise<void>;
  /** Resolves once everything has stopped. */
  readonly stopped: Promise<void>;
}

export async function runSupervisor(o: SupervisorOptions): Promise<RunningSupervisor> {
  let config = o.config;
  const configPath = o.configPath === null ? null : resolve(o.configPath);
  const timing: ComponentTiming = { ...DEFAULT_TIMING, ...o.timing };
  const progress = o.progress ?? (() => {});
  const pollMs = o.pollIntervalMs ?? 1000;
  const historyMs = (o.historyIntervalSeconds ?? 5) * 1000;
  const startedAt = new Date();
  const sock = socketPath(config, configPath);
  const pidFile = join(runtimeDir(config, configPath), 'icegate.pid');

  const components = new Map<string, Component>();
  const rings = new Map<string, LogRing>();
  const files = new Map<string, LogFile>();
  const audit = new AuditLog({ dir: logsDir(config), maxBytes: config.supervisor.logs.maxBytes, files: config.supervisor.logs.files });
  const history = new MountHistory();
  const sampler = new GroupSampler();
  let usage = new Map<number, GroupUsage>();
  let relayReport: RelayReport | null = null;
  let gatewayReport: GatewayReport | null = null;
  let seq = 0;
  let lastJson = '';
  const subscribers = new Set<() => void>();
  const changed = (): void => {
    for (const s of subscribers) s();
  };
  // Actual ports of the last run, reused for ports configured as 0 so a restart lands where the
  // gateway (and every player) expects it.
  let relayPort: number | null = null;
  let gatewayPorts: ReadyPorts | null = null;

  const cwd = configPath === null ? process.cwd() : dirname(configPath);
  const configArgs = configPath === null ? [] : ['-c', configPath];
  const overridesEnv = (value: ChildOverrides): Record<string, string> => ({ [OVERRIDES_ENV]: JSON.stringify(value) });

  // The relay core and the gateway: icegate's own commands, forked with an IPC channel.
  const coreSpec = (name: 'relay' | 'gateway') => ({
    name,
    kind: name,
    command: [process.execPath, BIN, name, ...configArgs],
    env: {},
    cwd,
    stopSignal: 'SIGTERM' as const,
    stopTimeoutMs: 10_000,
    restart: 'always' as const,
    ipc: true,
  });
  const relaySpec = (): ComponentSpec => ({
    ...coreSpec('relay'),
    dependsOn: [],
    envAtSpawn: () => overridesEnv(config.relay.port === 0 && relayPort !== null ? { relayPort } : {}),
    probe: (ports) => httpProbe(loopbackFor(config.relay.host), Number(ports.relay)),
  });
  const gatewaySpec = (): ComponentSpec => ({
    ...coreSpec('gateway'),
    dependsOn: config.supervisor.useRelay ? ['relay'] : [],
    envAtSpawn: () => {
      const g = config.gateway;
      const wanted = { listener: g.listener.port, listenerTls: g.listener.tlsPort, source: g.source.port, sourcePlain: g.source.plainPort, admin: g.admin.port };
      const keep = Object.fromEntries(
        Object.entries(wanted)
          .filter(([k, v]) => v === 0 && typeof gatewayPorts?.[k] === 'number')
          .map(([k]) => [k, gatewayPorts![k]!]),
      );
      const upstream = config.supervisor.useRelay && relayPort !== null ? `http://${hostForUrl(loopbackFor(config.relay.host))}:${relayPort}` : undefined;
      return overridesEnv({ ...(upstream ? { upstream } : {}), ...(Object.keys(keep).length > 0 ? { gatewayPorts: keep } : {}) });
    },
    probe: (ports) => tcpProbe(loopbackFor(config.gateway.listener.host), Number(ports.listener)),
  });
  const extraSpec = (c: ComponentConfig): ComponentSpec => ({
    name: c.name,
    kind: 'command',
    command: c.command,
    env: c.env,
    cwd: c.cwd === null ? cwd : resolve(cwd, c.cwd),
    stopSignal: c.stopSignal,
    stopTimeoutMs: c.stopTimeout * 1000,
    restart: c.restart,
    ipc: false,
    dependsOn: c.dependsOn,
  });

  const add = (spec: ComponentSpec): Component => {
    const c = new Component(spec, timing);
    const ring = rings.get(spec.name) ?? new LogRing();
    rings.set(spec.name, ring);
    const file = new LogFile(spec.name, { dir: logsDir(config), maxBytes: config.supervisor.logs.maxBytes, files: config.supervisor.logs.files });
    files.set(spec.name, file);
    c.on('log', (line) => {
      ring.push(line);
      file.write(line);
      if (line.stream === 'supervisor') progress(`${spec.name}: ${line.text}`);
    });
    c.on('change', changed);
    c.on('ready', (ports) => {
      if (spec.kind === 'relay' && typeof ports.relay === 'number') relayPort = ports.relay;
      if (spec.kind === 'gateway') gatewayPorts = ports;
      startDependants();
    });
    components.set(spec.name, c);
    return c;
  };

  /** Components not yet started whose dependencies are all running. */
  const waiting = new Set<string>();
  const startDependants = (): void => {
    for (const name of [...waiting]) {
      const c = components.get(name);
      if (!c) {
        waiting.delete(name);
        continue;
      }
      const deps = c.spec.dependsOn.map((d) => components.get(d));
      if (deps.every((d) => d === undefined || d.state === 'running')) {
        waiting.delete(name);
        c.start();
      }
    }
  };
  const launch = (c: Component): void => {
    waiting.add(c.spec.name);
    startDependants();
  };

  // Control API first: a second `icegate start` is refused here, before anything is spawned.
  const backend: ControlBackend = {
    snapshot: () => snapshot(),
    subscribe: (listener) => {
      subscribers.add(listener);
      return () => subscribers.delete(listener);
    },
    readOnly: () => config.supervisor.readOnly,
    listeners: (mount) => listenersPage(mount),
    logs: (name, tail): LogPage => {
      const ring = rings.get(name);
      if (!ring || !components.has(name)) throw new ControlError('unknown-component', name);
      return { component: name, lines: ring.tail(tail) };
    },
    component: async (name, action) => {
      const c = components.get(name);
      if (!c) throw new ControlError('unknown-component', name);
      if (action === 'stop') {
        if (c.state === 'stopped') throw new ControlError('already-stopped', name);
        await c.stop();
        return `${name} stopped`;
      }
      if (action === 'start') {
        if (c.state !== 'stopped') throw new ControlError('already-running', name);
        c.start();
        return `${name} starting`;
      }
      await c.restart();
      return `${name} restarting`;
    },
    killSource: async (mount) => String(await core('relay').request('kill-source', { mount })),
    // The relay reaches every listener, the edge's too (it tells the gateway to close them).
    kick: async (mount, id) => String(await core('relay').request('kick', { mount, id })),
    metadata: async (mount, title) => String(await core('relay').request('metadata', { mount, title })),
    ban: async (ip, seconds) => {
      if (!validBanTarget(ip)) throw new ControlError('bad-request', 'ip must be an IPv4 or IPv6 address, or an IPv6 /64 like 2001:db8:1:2::/64');
      return String(await core('gateway').request('ban', { ip, seconds }));
    },
    unban: async (ip) => {
      if (!validBanTarget(ip)) throw new ControlError('bad-request', 'not an address');
      return String(await core('gateway').request('unban', { ip }));
    },
    reload: async () => (await reload()).message,
    stop: async () => {
      setImmediate(() => void stop());
      return 'stopping';
    },
    audit: (entry) => {
      audit.record(entry);
      changed();
    },
  };
  const control = new ControlServer(backend);
  await control.listen(sock);
  writeFileSync(pidFile, `${process.pid}\n`, { mode: 0o640 });
  progress(`control API on ${sock}`);

  const core = (name: 'relay' | 'gateway'): Component => {
    const c = components.get(name);
    if (!c || c.state !== 'running') throw new ControlError('unavailable', name);
    return c;
  };

  const host = o.hostMetrics === false ? null : new HostMetrics(config.stateDir, changed);
  void host?.start().catch(() => {});

  // Children's reports and component CPU, once per poll; the history once per interval.
  let lastHistory = 0;
  const poll = async (): Promise<void> => {
    const relay = components.get('relay');
    const gateway = components.get('gateway');
    const [r, g] = await Promise.all([
      relay?.state === 'running' ? relay.request('snapshot', {}, 2000).catch(() => null) : null,
      gateway?.state === 'running' ? gateway.request('snapshot', {}, 2000).catch(() => null) : null,
    ]);
    relayReport = relay?.state === 'running' ? ((r as RelayReport | null) ?? relayReport) : null;
    gatewayReport = gateway?.state === 'running' ? ((g as GatewayReport | null) ?? gatewayReport) : null;
    usage = sampler.sample([...components.values()].map((c) => c.pid).filter((p): p is number => p !== null));
    const now = Date.now();
    if (now - lastHistory >= historyMs) {
      lastHistory = now;
      history.sample(mountTotals(relayReport, gatewayReport), now);
    }
    changed();
  };
  let polling = false;
  const pollTimer = setInterval(() => {
    if (polling) return;
    polling = true;
    void poll().finally(() => (polling = false));
  }, pollMs);

  const componentViews = (now: number): ComponentView[] =>
    [...components.values()].map((c) => {
      const u = c.pid === null ? undefined : usage.get(c.pid);
      return { ...c.view(now), cpuPercent: u?.cpuPercent ?? null, rssBytes: u?.rssBytes ?? null };
    });

  const snapshot = (): StateSnapshot => {
    const now = Date.now();
    const security = gatewayReport?.security ?? emptySecurity();
    const views = componentViews(now);
    const body = {
      station: { name: config.station.name },
      supervisor: { pid: process.pid, startedAt: startedAt.toISOString(), readOnly: config.supervisor.readOnly, configFile: configPath },
      historyIntervalSeconds: historyMs / 1000,
      health: overallHealth(views, security),
      components: views,
      host: host?.view ?? null,
      mounts: mountViews(relayReport, gatewayReport, history),
      security,
      audit: audit.entries,
    };
    // seq counts changes, not requests: a client that saw this seq has seen this state.
    const json = JSON.stringify({ ...body, components: views.map((v) => ({ ...v, uptimeSeconds: null, nextRestartSeconds: null })) });
    if (json !== lastJson) {
      lastJson = json;
      seq += 1;
    }
    return { seq, now: new Date(now).toISOString(), ...body };
  };

  const listenersPage = async (mount: string): Promise<ListenersPage> => {
    const relayList = (await core('relay').request('listeners', { mount })) as ListenerStats[];
    const now = Date.now();
    const view = (l: ListenerStats): ListenerView => ({
      id: l.id,
      mount: l.mount,
      ip: l.ip,
      userAgent: l.userAgent,
      connectedAt: new Date(l.connectedAt).toISOString(),
      seconds: Math.max(0, Math.round((now - l.connectedAt) / 1000)),
      bytesSent: l.bytesSent,
      auth: l.auth,
      username: l.username ?? null,
    });
    const all = relayList.map(view).sort((a, b) => a.connectedAt.localeCompare(b.connectedAt));
    return { mount, total: all.length, listeners: all.slice(0, 500) };
  };

  const reload = async (): Promise<ReloadOutcome> => {
    if (configPath === null) throw new ControlError('invalid-config', 'icegate runs on its built-in defaults: there is no file to reload (start it with -c FILE)');
    const result = await loadConfig(configPath);
    if (!result.ok) {
      const errors = result.errors.map(formatConfigError);
      progress(`reload refused, the running configuration stays:\n  ${errors.join('\n  ')}`);
      throw new ControlError('invalid-config', errors.join('; '));
    }
    const next = result.config;
    const plan = planReload(config, next);
    const old = config;
    config = next;
    if (plan.relay === 'live') await components.get('relay')?.request('reload', { relay: next.relay }).catch(() => {});
    if (plan.relay === 'restart') {
      if (next.supervisor.useRelay) {
        if (!old.supervisor.useRelay) launch(add(relaySpec()));
        else await components.get('relay')!.restart();
      } else {
        await components.get('relay')?.stop();
        components.delete('relay');
      }
    }
    if (plan.gateway === 'live') {
      // Refused (an htpasswd file unreadable): the gateway keeps its settings and the report says so.
      await components
        .get('gateway')
        ?.request('reload', { config: next })
        .catch((e: unknown) => plan.notes.push(`gateway: reload refused, its settings stay: ${(e as Error).message}`));
    }
    if (plan.gateway === 'restart') {
      const g = components.get('gateway')!;
      g.spec = gatewaySpec();
      if (next.supervisor.useRelay && components.get('relay')?.state !== 'running') {
        await g.stop();
        launch(g);
      } else await g.restart();
    }
    for (const name of plan.remove) {
      await components.get(name)?.stop();
      components.delete(name);
    }
    for (const name of plan.restart) {
      const c = components.get(name)!;
      await c.stop();
      c.spec = extraSpec(next.supervisor.components.find((x) => x.name === name)!);
      launch(c);
    }
    for (const name of plan.add) launch(add(extraSpec(next.supervisor.components.find((x) => x.name === name)!)));
    changed();
    const message = plan.notes.join('; ');
    progress(`reloaded ${configPath}: ${message}`);
    return { plan, message };
  };

  let stopping: Promise<void> | null = null;
  let markStopped: () => void = () => {};
  const stopped = new Promise<void>((r) => (markStopped = r));
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      progress('stopping');
      clearInterval(pollTimer);
      host?.stop();
      waiting.clear();
      // Reverse start order: extras, the gateway, then the relay core (research §6).
      const order = [...components.values()].reverse().sort((a, b) => rank(a) - rank(b));
      for (const c of order) await c.stop();
      await control.close();
      rmSync(pidFile, { force: true });
      rmSync(sock, { force: true });
      process.off('SIGHUP', onHup);
      process.off('SIGINT', onStop);
      process.off('SIGTERM', onStop);
      progress('stopped');
      markStopped();
    })();
    return stopping;
  };
  const onHup = (): void => void reload().catch((e: unknown) => progress(`reload: ${(e as Error).message}`));
  const onStop = (): void => void stop();
  process.on('SIGHUP', onHup);
  process.on('SIGINT', onStop);
  process.on('SIGTERM', onStop);

  if (config.supervisor.useRelay) launch(add(relaySpec()));
  launch(add(gatewaySpec()));
  for (const c of config.supervisor.components) launch(add(extraSpec(c)));

  return { socketPath: sock, components, snapshot, reload, stop, stopped };
}

/** Extras stop first, then the gateway, then the relay core. */
function rank(c: Component): number {
  return c.spec.kind === 'command' ? 0 : c.spec.kind === 'gateway' ? 1 : 2;
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

function validBanTarget(ip: string): boolean {
  if (isIP(ip) !== 0) return true;
  const m = /^([0-9a-fA-F:]+)\/64$/.exec(ip);
  return m !== null && isIP(m[1]!) === 6;
}
