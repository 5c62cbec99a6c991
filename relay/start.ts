// Build and start a relay core: the one way the CLI, the supervisor and the tests bring it up.
import type { RelayConfig, ResolvedSecrets } from '../config/schema.ts';
import { systemClock, type Clock } from './clock.ts';
import { createContext, type RelayContext } from './context.ts';
import { createRelayServer, type RelayServer } from './server.ts';
import type { Route } from './http-app.ts';
import { statusRoutes } from './status/index.ts';
import { adminRoutes } from './admin/index.ts';
import { metricsRoute, type MetricsFeeds } from './metrics.ts';
import { startShoutcastServer, type ShoutcastServer } from './shoutcast-server.ts';
import { startPullService, type PullService } from './pull/service.ts';
import { startFileMounts, type FileMounts } from './file-mount.ts';
import { consoleLog, type RelayLog } from './log.ts';

export interface RunningRelay extends RelayServer {
  ctx: RelayContext;
  /** The SHOUTcast v1 source port, when relay.shoutcast.enabled. */
  shoutcast: ShoutcastServer | null;
  /** Mounts pulled from other servers (relay.relays, relay.master). */
  pulls: PullService;
  /** Mounts looped from MP3 files (mounts.<name>.file). */
  files: FileMounts;
}

export interface StartRelayOptions {
  config: RelayConfig;
  secrets: ResolvedSecrets;
  clock?: Clock;
  /** Endpoints of other modules (status, admin API, metrics). */
  routes?: readonly Route[];
  /** Override config host/port (tests use port 0). */
  host?: string;
  port?: number;
  /** Override relay.shoutcast.port (tests use 0). */
  shoutcastPort?: number;
  /** Where pulls and file mounts report problems (default: the console). */
  log?: RelayLog;
}

export async function startRelay(o: StartRelayOptions): Promise<RunningRelay> {
  const ctx = createContext(o.config, o.secrets, o.clock ?? systemClock);
  const metricsFeeds: MetricsFeeds = {};
  const relay = createRelayServer(ctx, [...statusRoutes, ...adminRoutes, ...(o.routes ?? []), metricsRoute(ctx, metricsFeeds)]);
  await new Promise<void>((resolve, reject) => {
    relay.server.once('error', reject);
    relay.server.listen(o.port ?? o.config.port, o.host ?? o.config.host, () => {
      relay.server.off('error', reject);
      resolve();
    });
  });
  let shoutcast: ShoutcastServer | null = null;
  if (o.config.shoutcast.enabled) {
    const at = { host: o.host ?? o.config.host, port: o.shoutcastPort ?? o.config.shoutcast.port };
    shoutcast = await startShoutcastServer(ctx, at).catch(async (err: unknown) => {
      await relay.close();
      throw err;
    });
  }
  const files = startFileMounts(ctx, o.log ?? consoleLog);
  const pulls = startPullService(ctx, { log: o.log ?? consoleLog });
  metricsFeeds.pulls = () => pulls.list();
  const close = async (): Promise<void> => {
    pulls.stop();
    files.stop();
    await Promise.all([shoutcast?.close(), relay.close()]);
  };
  return { ...relay, ctx, shoutcast, pulls, files, close };
}
