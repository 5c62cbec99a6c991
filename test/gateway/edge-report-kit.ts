// A relay core with ffmpeg sources and a gateway in front of it that reports its edge's listeners
// (gateway.upstreamAuth: the relay user), with the channel's timings shortened for tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { configSchema } from '../../config/schema.ts';
import { startGateway, type RunningGateway, type StartGatewayOptions } from '../../gateway/start.ts';
import type { RunningRelay } from '../../relay/start.ts';
import { startSource, stopProcess } from '../helpers/ffmpeg.ts';
import { SECRETS, testRelay, until } from '../helpers/relay.ts';
import type { Teardown } from './server-harness.ts';

export const CHANNEL_GRACE_MS = 1500;

/** A relay whose gateways' channels have a short grace, with a live ffmpeg MP3 source on each mount. */
export async function relayWithSources(t: Teardown, mounts: Record<string, number>, partial: Record<string, unknown> = {}): Promise<RunningRelay> {
  const relay = await testRelay(partial, { log: () => {}, edge: { graceMs: CHANNEL_GRACE_MS } });
  const sources: ChildProcess[] = [];
  t.teardown(async () => {
    await Promise.all(sources.map((s) => stopProcess(s)));
    await relay.close();
  });
  for (const [mount, frequency] of Object.entries(mounts)) {
    sources.push(startSource({ port: relay.port(), mount, codec: 'mp3', password: SECRETS.sourcePassword, frequency }));
  }
  await until(() => Object.keys(mounts).every((m) => relay.ctx.registry.get(m)?.live === true), 15000, 'the sources');
  return relay;
}

export interface ReportingGatewayOptions {
  /** Default: the relay user of the test secrets. */
  upstreamAuth?: { username: string; password: string } | null;
  edge?: StartGatewayOptions['edge'];
}

/** A gateway in front of 127.0.0.1:`upstreamPort` that reports to it every 300 ms. */
export async function reportingGateway(t: Teardown, upstreamPort: number, o: ReportingGatewayOptions = {}): Promise<RunningGateway> {
  const stateDir = await mkdtemp(join(tmpdir(), 'icegate-edge-report-'));
  const upstreamAuth = o.upstreamAuth === undefined ? { username: 'relay', password: SECRETS.relayPassword } : o.upstreamAuth;
  const config = configSchema.parse({ stateDir, gateway: { upstream: `http://127.0.0.1:${upstreamPort}`, upstreamAuth } });
  const gw = await startGateway({
    config,
    host: '127.0.0.1',
    ports: { listener: 0, listenerTls: 0, source: 0, sourcePlain: null, admin: 0 },
    edge: { lingerMs: 1000, ...o.edge },
    channel: { intervalMs: 300, flushDelayMs: 50, backoff: { initialMs: 100, maxMs: 500, stableMs: 60_000, jitter: 0 } },
  });
  let closed = false;
  t.teardown(async () => {
    if (!closed) await gw.close();
    await rm(stateDir, { recursive: true, force: true });
  });
  return Object.assign(Object.create(gw) as RunningGateway, {
    close: async () => {
      closed = true;
      await gw.close();
    },
  });
}
