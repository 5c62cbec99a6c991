// What the supervisor knows of one component before it runs: how to start and stop it
// (ComponentSpec), the timing every component shares (ComponentTiming), and what a running one
// tells its owner (ComponentEvents).
import type { ComponentExit, ComponentView, LogLine } from '../contracts/control-api.ts';
import type { ReadyPorts } from '../contracts/ipc.ts';
import type { Clock } from '../stream/clock.ts';
import type { RestartMode, RestartPolicy } from './restart-policy.ts';

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
  /**
   * An IPC child only: the document handed to it at each spawn on an extra pipe
   * (contracts/child-start.ts: the checked configuration and the secrets), so it does not read
   * and validate the file again.
   */
  handOver?: () => Promise<string>;
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
  /** Every delay and timestamp (tests inject test/helpers/fake-clock.ts). */
  clock?: Clock;
}

export interface ComponentEvents {
  change: [];
  ready: [ReadyPorts];
  log: [LogLine];
  /** A run ended on its own, not stopped by the operator (`lastExit` is set), restarted or not. */
  ended: [ComponentExit];
}
