// Build and start a relay core: the one way the CLI, the supervisor and the tests bring it up.
import type { RelayConfig, ResolvedSecrets } from '../config/schema.ts';
import { systemClock, type Clock } from './clock.ts';
import { createContext, type RelayContext } from './context.ts';
import { createRelayServer, type RelayServer } from './server.ts';
import type { Route } from './http-app.ts';

export interface RunningRelay extends RelayServer {
  ctx: RelayContext;
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
}

export async function startRelay(o: StartRelayOptions): Promise<RunningRelay> {
  const ctx = createContext(o.config, o.secrets, o.clock ?? systemClock);
  const relay = createRelayServer(ctx, o.routes ?? []);
  await new Promise<void>((resolve, reject) => {
    relay.server.once('error', reject);
    relay.server.listen(o.port ?? o.config.port, o.host ?? o.config.host, () => {
      relay.server.off('error', reject);
      resolve();
    });
  });
  return { ...relay, ctx };
}
