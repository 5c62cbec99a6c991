// `icegate gateway`: the gateway in the foreground, in front of gateway.upstream.
import type { EventEmitter } from 'node:events';
import { dirname, resolve } from 'node:path';
import type { Config } from '../../config/schema.ts';
import { consoleLog as log, type RelayLog } from '../../relay/log.ts';
import type { GatewayEvents } from './context.ts';
import { withListenerAuthPaths } from './listener-auth.ts';
import { startGateway, type RunningGateway } from './start.ts';

export interface RunGatewayOptions {
  config: Config;
  /** The config file; relative gateway.tls paths are resolved against its directory. */
  configPath: string | null;
}

export async function runGateway(o: RunGatewayOptions): Promise<void> {
  process.stdout.on('error', () => {});
  const baseDir = o.configPath === null ? process.cwd() : dirname(resolve(o.configPath));
  const config = withListenerAuthPaths(withTlsPaths(o.config, baseDir), baseDir);
  const gateway = await startGateway({ config });
  const stop = (): void => {
    log('info', 'stopping');
    void gateway.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  for (const file of gateway.generated) process.stdout.write(`generated ${file} (and its key beside it)\n`);
  process.stdout.write(banner(config, gateway));
  logEvents(gateway, log);
}

/** Relative certificate paths mean: next to the config file, like stateDir. */
export function withTlsPaths(config: Config, baseDir: string): Config {
  const { cert, key } = config.gateway.tls;
  const tls = { cert: cert === null ? null : resolve(baseDir, cert), key: key === null ? null : resolve(baseDir, key) };
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

/** One log line per event worth the operator's attention. */
export function logEvents(gateway: { events: EventEmitter<GatewayEvents> }, out: RelayLog): void {
  const e = gateway.events;
  e.on('deny', (d) => out('info', `refused ${d.role} request from ${d.ip}: ${d.code} (${d.reason}) ref ${d.id}`));
  e.on('upstream-error', (u) => out('warn', `upstream failed for a ${u.role} request from ${u.ip}: ${u.message}`));
  e.on('tls-reload', (r) => (r.ok ? out('info', `certificate reloaded, SHA-256 ${r.fingerprint256}`) : out('error', `certificate not reloaded, the old one stays: ${r.error}`)));
  e.on('limiter-error', (l) => out('error', `credential limiter failed: ${l.message}`));
  e.on('server-error', (s) => out('error', `${s.server} server: ${s.message}`));
  e.on('auth-backend-error', (a) => out('warn', `listener authentication backend of ${a.mount} failed: ${a.message}`));
  e.on('auth-file-error', (f) => out('warn', `${f.file}: ${f.message}`));
  e.on('edge', (x) => out(x.level, `edge ${x.message}`));
}
