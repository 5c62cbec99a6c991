// `icegate gateway`: the gateway in the foreground, in front of gateway.upstream.
import { dirname, resolve } from 'node:path';
import type { Config, ResolvedSecrets } from '../config/schema.ts';
import { consoleWriter, logEvents, logLine } from './log-events.ts';
import { withListenerAuthPaths } from './listener-auth/modes.ts';
import { startGateway, type RunningGateway } from './start.ts';
import { upstreamIsOwnRelay } from './edge/upstream-auth.ts';
import { readOverrides } from '../contracts/ipc.ts';
import { FORWARD_KEY_ENV, readForwardKey } from '../contracts/forward-key.ts';
import { serveSupervisor } from './ipc.ts';

export interface RunGatewayOptions {
  config: Config;
  /** The config file; relative gateway.tls paths are resolved against its directory. */
  configPath: string | null;
  /** The secrets `icegate start` resolved (cli/handed-over.ts); else read here when needed. */
  secrets?: ResolvedSecrets;
}

export async function runGateway(o: RunGatewayOptions): Promise<void> {
  process.stdout.on('error', () => {});
  const baseDir = o.configPath === null ? process.cwd() : dirname(resolve(o.configPath));
  // Under `icegate start`: the relay core's actual address, and the ports of the previous run.
  const overrides = readOverrides();
  // Under `icegate start`: the relay core's forward key (contracts/forward-key.ts); not passed on to anything this process starts.
  const forwardKey = readForwardKey();
  delete process.env[FORWARD_KEY_ENV];
  const given = overrides.upstream === undefined ? o.config : { ...o.config, gateway: { ...o.config.gateway, upstream: overrides.upstream } };
  const config = withListenerAuthPaths(withTlsPaths(given, baseDir), baseDir);
  // In front of this config's relay core (an overridden upstream is that core too), the gateway
  // reports its listeners as the relay user (upstream-auth.ts).
  const own = config.gateway.upstreamAuth === null && (overrides.upstream !== undefined || upstreamIsOwnRelay(config));
  const secrets = own ? (o.secrets ?? (await (await import('../config/secrets.ts')).resolveSecrets(config)).secrets) : undefined;
  const gateway = await startGateway({ config, forwardKey, ...(overrides.gatewayPorts ? { ports: overrides.gatewayPorts } : {}), ...(secrets ? { secrets } : {}) });
  const stop = (): void => {
    consoleWriter('info', logLine(new Date(), 'info', 'stopping', null, null));
    void gateway.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  for (const file of gateway.generated) process.stdout.write(`generated ${file} (and its key beside it)\n`);
  process.stdout.write(banner(config, gateway));
  // Read at each line: a reload may turn gateway.privacy.anonymizeIps on or off.
  logEvents(gateway.events, consoleWriter, {
    get anonymizeIps() {
      return gateway.config().gateway.privacy.anonymizeIps;
    },
  });
  serveSupervisor(gateway, (next) => withListenerAuthPaths(next, baseDir));
}

/** Relative certificate paths mean: next to the config file, like stateDir. */
export function withTlsPaths(config: Config, baseDir: string): Config {
  const { cert, key, acme } = config.gateway.tls;
  const at = (p: string | null): string | null => (p === null ? null : resolve(baseDir, p));
  const tls = { cert: at(cert), key: at(key), acme: { ...acme, directoryCa: at(acme.directoryCa) } };
  return { ...config, gateway: { ...config.gateway, tls } };
}

function banner(config: Config, gateway: RunningGateway): string {
  const p = gateway.ports();
  const g = config.gateway;
  return [
    `icegate gateway in front of ${g.upstream}`,
    `  listeners: http://${g.listener.host}:${p.listener}/  https://${g.listener.host}:${p.listenerTls}/`,
    `  sources:   TLS ${g.source.host}:${p.source}${p.sourcePlain === null ? '' : `, plain ${g.source.plainHost}:${p.sourcePlain}`}`,
    `  admin:     https://${g.admin.host}:${p.admin}/${g.admin.clientCertificates ? ' (client certificate required)' : ''}`,
    `  certificate SHA-256 ${gateway.tls.fingerprint256}`,
    '',
  ].join('\n');
}
