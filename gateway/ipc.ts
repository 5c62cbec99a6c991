// The gateway's side of the supervisor's IPC channel (contracts/ipc.ts): `ready` with
// the ports it actually bound, then pings, the security view and the bytes its edge sent for the
// dashboard, the operator's ban and unban, and live reloads. Listeners are listed and kicked
// through the relay, which the edge reports every one of them to (relay/edge/).
import type { Config } from '../config/schema.ts';
import type { GatewaySecurityApi } from '../contracts/control-api.ts';
import { ChildError, sendReady, serveRequests } from '../contracts/ipc.ts';
import type { RunningGateway } from './start.ts';

/**
 * Does nothing unless the gateway runs under `icegate start` (an IPC channel exists).
 * `prepare`: what the start did to the loaded config (relative paths resolved) before using it.
 */
export function serveSupervisor(gateway: RunningGateway, prepare: (config: Config) => Config = (c) => c): void {
  if (process.send === undefined) return;
  const security = (gateway as { security?: GatewaySecurityApi }).security ?? null;
  const needSecurity = (): GatewaySecurityApi => {
    if (security === null) throw new ChildError('unavailable', 'this gateway has no security view');
    return security;
  };
  serveRequests(async (r) => {
    switch (r.method) {
      case 'ping':
        return 'pong';
      case 'snapshot': {
        const edge = gateway.edge.stats();
        return {
          security: security?.view() ?? null,
          bytesSent: Object.fromEntries(edge.mounts.map((m) => [m.mount.mount, m.mount.bytesSent])),
          // gateway/hold/stats.ts: sources and players held across relay restarts.
          hold: gateway.hold.snapshot(),
        };
      }
      case 'ban': {
        await needSecurity().ban(r.params.ip, r.params.seconds, 'operator');
        return `${r.params.ip} banned`;
      }
      case 'unban': {
        if (!(await needSecurity().unban(r.params.ip))) throw new ChildError('not-banned', `${r.params.ip} was not banned`);
        return `${r.params.ip} unbanned`;
      }
      case 'reload': {
        // Live keys only (live-settings.ts); the supervisor restarts the gateway for the others.
        await gateway.reload(prepare(r.params.config)).catch((err: unknown) => {
          throw new ChildError('reload-refused', `gateway settings unchanged: ${(err as Error).message}`);
        });
        return 'gateway settings applied';
      }
      case 'links': {
        // The supervisor's table of links (contracts/link-store.ts): closed links' players are cut now.
        gateway.links.replace(r.params.links);
        return `${r.params.links.length} link(s)`;
      }
      case 'link-usage':
        return gateway.links.usage();
      default:
        throw new ChildError('not-found', `the gateway has no ${r.method}`);
    }
  });
  sendReady({ ...gateway.ports() });
}
