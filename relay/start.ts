// Build and start a relay core: the one way the CLI, the supervisor and the tests bring it up.
import type { RelayConfig, ResolvedSecrets } from '../config/schema.ts';
import { systemClock, type Clock } from '../stream/clock.ts';
import { createContext, type RelayContext } from '../stream/context.ts';
import { createRelayServer, type RelayServer } from './server.ts';
import type { Route } from './http-app.ts';
import { statusRoutes } from './status/index.ts';
import { adminRoutes } from './admin/index.ts';
import { metricsRoute, type MetricsFeeds } from './metrics.ts';
import { startShoutcastServer, type ShoutcastServer } from './shoutcast-server.ts';
import { startPullService, type PullService } from './pull/service.ts';
import { startFileMounts, type FileMounts } from './file-mount.ts';
import { consoleLog, type RelayLog } from '../stream/log.ts';
import { HlsService } from './hls/service.ts';
import { hlsRoute } from './hls/route.ts';
import { WindowStore } from './hls/window-store.ts';
import { loadPageAssets } from './page/assets.ts';
import { pageRoute } from './page/route.ts';
import { attachEdgeHub, EdgeHub, type EdgeHubOptions } from './edge/hub.ts';
import { edgeRoutes } from './edge/routes.ts';
import { setUnlistedMounts } from './status/unlisted.ts';
import { setForwardKey } from './forwarded.ts';
import { attachSourceTracker, SourceTracker } from './source-tracker.ts';

export interface RunningRelay extends RelayServer {
  ctx: RelayContext;
  /** The SHOUTcast v1 source port, when relay.shoutcast.enabled. */
  shoutcast: ShoutcastServer | null;
  /** Mounts pulled from other servers (relay.relays, relay.master). */
  pulls: PullService;
  /** Mounts looped from MP3 files (mounts.<name>.file). */
  files: FileMounts;
  /** HLS output of MP3 and AAC mounts, when relay.hls.enabled. */
  hls: HlsService | null;
  /** The listeners that gateways' edges serve and report (relay/edge). */
  edge: EdgeHub;
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
  /** station.name, shown on the listening page (default: the schema's). */
  station?: string;
  /** Where pulls and file mounts report problems (default: the console). */
  log?: RelayLog;
  /** Timing of the gateways' channels (tests shorten the grace). */
  edge?: EdgeHubOptions;
  /** Mounts left out of public listings: the gateway's private mounts (config/unlisted-mounts.ts). */
  unlisted?: readonly string[];
  /** The key the gateway proves itself with (contracts/forward-key.ts); null = no forwarding field is believed. */
  forwardKey?: string | null;
  /** Where HLS windows are kept across a restart (relay/hls/window-store.ts); none by default. */
  hlsDir?: string | null;
}

export async function startRelay(o: StartRelayOptions): Promise<RunningRelay> {
  const ctx = createContext(o.config, o.secrets, o.clock ?? systemClock);
  setUnlistedMounts(ctx, o.unlisted ?? []);
  setForwardKey(ctx, o.forwardKey ?? null);
  const metricsFeeds: MetricsFeeds = {};
  const hlsStore = o.hlsDir ? new WindowStore(o.hlsDir, (message) => (o.log ?? consoleLog)('warn', message)) : null;
  const hls = o.config.hls.enabled ? new HlsService(ctx, o.config.hls, hlsStore) : null;
  const hlsRoutes = hls ? [hlsRoute(hls)] : [];
  const page = pageRoute(loadPageAssets(), { station: o.station ?? 'icegate', hls: hls !== null });
  const edge = new EdgeHub(ctx, o.edge);
  attachEdgeHub(ctx, edge);
  const sources = new SourceTracker(ctx.registry, ctx.clock);
  attachSourceTracker(ctx, sources);
  // Before the admin routes, which answer every other /admin/ path.
  const relay = createRelayServer(ctx, [...hlsRoutes, page, ...statusRoutes, edgeRoutes(edge), ...adminRoutes, ...(o.routes ?? []), metricsRoute(ctx, metricsFeeds)]);
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
    hls?.close();
    edge.close();
    sources.close();
    await Promise.all([shoutcast?.close(), relay.close()]);
  };
  return { ...relay, ctx, shoutcast, pulls, files, hls, edge, close };
}
