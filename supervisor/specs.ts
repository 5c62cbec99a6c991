// How icegate's components are started: the relay core and the gateway are icegate's own
// commands, run with an IPC channel (contracts/ipc.ts); extra components are the commands of
// supervisor.components. Ports configured as 0 are remembered from the last run's `ready`, so a
// restart lands where the gateway (and every player) expects it.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ComponentConfig, Config } from '../config/schema.ts';
import { OVERRIDES_ENV, type ChildOverrides, type ReadyPorts } from '../contracts/ipc.ts';
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

  /** `configPath`: absolute, or null for the built-in defaults. */
  constructor(configPath: string | null) {
    this.#cwd = configPath === null ? process.cwd() : dirname(configPath);
    this.#configArgs = configPath === null ? [] : ['-c', configPath];
  }

  /** What a component said it bound (its `ready`). */
  remember(kind: ComponentSpec['kind'], ports: ReadyPorts): void {
    if (kind === 'relay' && typeof ports.relay === 'number') this.#relayPort = ports.relay;
    if (kind === 'gateway') this.#gatewayPorts = ports;
  }

  relay(config: Config): ComponentSpec {
    return {
      ...this.#core('relay'),
      dependsOn: [],
      envAtSpawn: () => overridesEnv(config.relay.port === 0 && this.#relayPort !== null ? { relayPort: this.#relayPort } : {}),
      probe: (ports) => httpProbe(loopbackFor(config.relay.host), Number(ports.relay)),
    };
  }

  gateway(config: Config): ComponentSpec {
    return {
      ...this.#core('gateway'),
      dependsOn: config.supervisor.useRelay ? ['relay'] : [],
      envAtSpawn: () => {
        const g = config.gateway;
        const wanted = { listener: g.listener.port, listenerTls: g.listener.tlsPort, source: g.source.port, sourcePlain: g.source.plainPort, admin: g.admin.port };
        const keep: NonNullable<ChildOverrides['gatewayPorts']> = {};
        for (const k of GATEWAY_PORTS) {
          const was = this.#gatewayPorts?.[k];
          if (wanted[k] === 0 && typeof was === 'number') keep[k] = was;
        }
        const upstream = config.supervisor.useRelay && this.#relayPort !== null ? `http://${hostForUrl(loopbackFor(config.relay.host))}:${this.#relayPort}` : undefined;
        return overridesEnv({ ...(upstream ? { upstream } : {}), ...(Object.keys(keep).length > 0 ? { gatewayPorts: keep } : {}) });
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

  #core(name: 'relay' | 'gateway'): Omit<ComponentSpec, 'dependsOn'> {
    return {
      name,
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
