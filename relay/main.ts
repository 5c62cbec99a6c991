// `icegate relay`: the relay core in the foreground.
import type { Config, ResolvedSecrets } from '../config/schema.ts';
import { startRelay } from './start.ts';
import { readOverrides } from '../contracts/ipc.ts';
import { serveSupervisor } from './ipc.ts';
import { unlistedMounts } from '../config/unlisted-mounts.ts';
import { FORWARD_KEY_ENV, readForwardKey } from '../contracts/forward-key.ts';
import { hlsStoreDir } from './hls/window-store.ts';
import { sourceTrackerOf } from './source-tracker.ts';

export interface RunRelayOptions {
  config: Config;
  secrets: ResolvedSecrets;
  configPath: string | null;
}

export async function runRelay(o: RunRelayOptions): Promise<void> {
  // A closed stdout (the supervisor's pipe gone) must not take the relay down with EPIPE.
  process.stdout.on('error', () => {});
  // Under `icegate start`: the port of the previous run, so the gateway in front stays pointed right.
  const { relayPort } = readOverrides();
  // Under `icegate start`: the key its gateway sends (contracts/forward-key.ts); not passed on to anything this process starts.
  const forwardKey = readForwardKey();
  delete process.env[FORWARD_KEY_ENV];
  const hlsDir = hlsStoreDir(o.config, o.configPath);
  const relay = await startRelay({ config: o.config.relay, secrets: o.secrets, station: o.config.station.name, hlsDir, unlisted: unlistedMounts(o.config.gateway.mounts), forwardKey, ...(relayPort === undefined ? {} : { port: relayPort }) });
  // Handlers before the "listening" line: whoever waits for that line may signal at once.
  const stop = (): void => {
    log('stopping');
    void relay.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const { host, hostname } = o.config.relay;
  const port = relay.port();
  const shown = host === '0.0.0.0' || host === '::' ? hostname : host;
  const base = `${shown}:${port}`;
  process.stdout.write(
    [
      `icegate relay core listening on ${base}`,
      `  source:   icecast://${o.config.relay.auth.sourceUser}:<source password>@${base}/live.mp3  (PUT or SOURCE)`,
      `  listener: http://${base}/live.mp3`,
      ...(relay.shoutcast
        ? [`  shoutcast: ${shown}:${relay.shoutcast.port()} (password line; mount ${o.config.relay.shoutcast.mount})`]
        : []),
      '',
    ].join('\n'),
  );
  relay.ctx.registry.on('source-start', (m) => log(`source connected on ${m.name} from ${m.sourceInfo?.ip ?? '?'}`));
  relay.ctx.registry.on('source-end', (m, reason) => log(`source left ${m.name} (${reason})`));
  relay.ctx.registry.on('listener-add', (m, l) => log(`listener ${l.id} (${l.ip}) joined ${m.name}`));
  relay.ctx.registry.on('listener-remove', (m, l, reason) =>
    log(`listener ${l.id} (${l.ip}) left ${m.name} after ${Math.round((Date.now() - l.connectedAt) / 1000)} s, ${l.bytesSent} bytes (${reason})`),
  );
  relay.ctx.registry.on('slow-listener', (m, l) => log(`listener ${l.id} (${l.ip}) on ${m.name} fell too far behind, dropped`));
  relay.ctx.registry.on('session-add', (m, s) => log(`HLS listener ${s.id} (${s.stats().ip}) joined ${m.name}`));
  relay.ctx.registry.on('session-remove', (m, s, reason) => {
    const l = s.stats();
    log(`HLS listener ${l.id} (${l.ip}) left ${m.name} after ${Math.round((Date.now() - l.connectedAt) / 1000)} s, ${l.bytesSent} bytes (${reason})`);
  });
  relay.ctx.events.on('source-connect', (e) => {
    if (e.takeover) log(`source from ${e.ip} took over ${e.mount} from ${e.previousIp ?? '?'}, silent for relay.limits.takeoverAfter; listeners kept`);
  });
  relay.ctx.events.on('auth-failure', (e) => {
    if (!e.probe) log(`bad ${e.channel} credentials from ${e.ip}${e.mount ? ` for ${e.mount}` : ''}`);
  });
  sourceTrackerOf(relay.ctx)?.on('silence', (mount, silent, since) =>
    log(silent ? `the source on ${mount} reports silence since ${new Date(since ?? Date.now()).toISOString()}` : `the source on ${mount} reports sound again`),
  );
  serveSupervisor(relay);
}

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}
