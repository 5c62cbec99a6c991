// How icegate's components are started: the relay core and the gateway are icegate's own
// commands, run with an IPC channel (contracts/ipc.ts); extra components are the commands of
// supervisor.components. Ports configured as 0 are remembered from the last run's `ready`, so a
// restart lands where the gateway (and every player) expects it. The relay and the gateway are
// handed the configuration the supervisor checked and the secrets it resolved
// (contracts/child-start.ts) and start side by side: the gateway waits for the relay only when
// it cannot know the relay's address before the relay has bound it (relay.port 0, first run).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ComponentConfig, Config, ResolvedSecrets } from '../config/schema.ts';
import { encodeStart } from '../contracts/child-start.ts';
import { OVERRIDES_ENV, type ChildOverrides, type ReadyPorts } from '../contracts/ipc.ts';
import { FORWARD_KEY_ENV, newForwardKey } from '../contracts/forward-key.ts';
import type { ComponentSpec } from './component-spec.ts';
import { httpProbe, loopbackFor, tcpProbe } from './probes.ts';

// The package's bin/icegate.js, from the sources (supervisor/) or from the build (dist/supervisor/).
const BIN = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../bin/icegate.js' : '../../bin/icegate.js', import.meta.url));

const GATEWAY_PORTS = ['listener', 'listenerTls', 'source', 'sourcePlain', 'admin'] as const;

export class ComponentSpecs {
  /** Actual ports of the last run. */
  #relayPort: number | null = null;
  #gatewayPorts: ReadyPorts | null = null;
  readonly #cwd: string;
  readonly #configArgs: string[];
  /**
   * What the gateway proves itself to the relay core with (contracts/forward-key.ts): one per
   * start, the same across restarts of either, in their environment only, never logged.
   */
  readonly #forwardKey = newForwardKey();
  readonly #configPath: string | null;
  readonly #secrets: (config: Config) => Promise<ResolvedSecrets>;

  /** `configPath`: absolute, or null for the built-in defaults; `secrets`: resolved for a configuration (config/secrets.ts). */
  constructor(configPath: string | null, secrets: (config: Config) => Promise<ResolvedSecrets>) {
    this.#cwd = configPath === null ? process.cwd() : dirname(configPath);
    this.#configArgs = configPath === null ? [] : ['-c', configPath];
    this.#configPath = configPath;
    this.#secrets = secrets;
  }

  /** What a component said it bound (its `ready`). */
  remember(kind: ComponentSpec['kind'], ports: ReadyPorts): void {
    if (kind === 'relay' && typeof ports.relay === 'number') this.#relayPort = ports.relay;
    if (kind === 'gateway') this.#gatewayPorts = ports;
  }

  relay(config: Config): ComponentSpec {
    return {
      ...this.#core('relay', config),
      dependsOn: [],
      envAtSpawn: () => ({ ...overridesEnv(config.relay.port === 0 && this.#relayPort !== null ? { relayPort: this.#relayPort } : {}), [FORWARD_KEY_ENV]: this.#forwardKey }),
      probe: (ports) => httpProbe(loopbackFor(config.relay.host), Number(ports.relay)),
    };
  }

  gateway(config: Config): ComponentSpec {
    return {
      ...this.#core('gateway', config),
      // A configured relay port is known before the relay binds it; port 0 only once it said ready.
      dependsOn: config.supervisor.useRelay && config.relay.port === 0 && this.#relayPort === null ? ['relay'] : [],
      envAtSpawn: () => {
        const g = config.gateway;
        const wanted = { listener: g.listener.port, listenerTls: g.listener.tlsPort, source: g.source.port, sourcePlain: g.source.plainPort, admin: g.admin.port };
        const keep: NonNullable<ChildOverrides['gatewayPorts']> = {};
        for (const k of GATEWAY_PORTS) {
          const was = this.#gatewayPorts?.[k];
          if (wanted[k] === 0 && typeof was === 'number') keep[k] = was;
        }
        // The relay's port: the one it reported, else the configured one (known before it binds).
        const relayPort = this.#relayPort ?? (config.relay.port === 0 ? null : config.relay.port);
        const upstream = config.supervisor.useRelay && relayPort !== null ? `http://${hostForUrl(loopbackFor(config.relay.host))}:${relayPort}` : undefined;
        const env = overridesEnv({ ...(upstream ? { upstream } : {}), ...(Object.keys(keep).length > 0 ? { gatewayPorts: keep } : {}) });
        // Only in front of this config's relay core: another upstream is never handed the key.
        return config.supervisor.useRelay ? { ...env, [FORWARD_KEY_ENV]: this.#forwardKey } : env;
      },
      probe: (ports) => tcpProbe(loopbackFor(config.gateway.listener.host), Number(ports.listener)),
    };
  }

  extra(c: ComponentConfig): ComponentSpec {
    return {
      name: c.name,
      kind: 'command',
      command: c.command,
      env: c.env,
      cwd: c.cwd === null ? this.#cwd : resolve(this.#cwd, c.cwd),
      stopSignal: c.stopSignal,
      stopTimeoutMs: c.stopTimeout * 1000,
      restart: c.restart,
      ipc: false,
      dependsOn: c.dependsOn,
    };
  }

  #core(name: 'relay' | 'gateway', config: Config): Omit<ComponentSpec, 'dependsOn'> {
    return {
      name,
      handOver: async () => encodeStart({ config, secrets: await this.#secrets(config), configPath: this.#configPath }),
      kind: name,
      command: [process.execPath, BIN, name, ...this.#configArgs],
      env: {},
      cwd: this.#cwd,
      stopSignal: 'SIGTERM',
      stopTimeoutMs: 10_000,
      restart: 'always',
      ipc: true,
    };
  }
}

function overridesEnv(value: ChildOverrides): Record<string, string> {
  return { [OVERRIDES_ENV]: JSON.stringify(value) };
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
