// Listener-authentication system tests share one real relay core with a real ffmpeg source on
// /live.mp3; each test file puts its own gateways in front of it, each behind a TCP proxy that
// counts what reaches the relay.
import type { ChildProcess } from 'node:child_process';
import type { Mount } from '../../stream/mount.ts';
import type { RunningRelay } from '../../relay/start.ts';
import { startSource, stopProcess } from '../helpers/ffmpeg.ts';
import { openListener, type Capture } from '../helpers/listen.ts';
import { SECRETS, testRelay } from '../helpers/relay.ts';
import { countingProxy, Shared, testGateway, type CountingProxy, type TestGateway } from './server-harness.ts';
import type { StartGatewayOptions } from '../../gateway/start.ts';

export const MOUNT = '/live.mp3';
/** Enough audio to know a stream flows: a few MP3 frames past the burst's start. */
export const STREAM_BYTES = 8192;

export interface LiveRelay {
  relay: RunningRelay;
  source: ChildProcess;
}

/** A relay core with ffmpeg pushing MP3 to /live.mp3, resolved once the mount is live. */
export async function liveRelay(shared: Shared): Promise<LiveRelay> {
  const relay = await testRelay();
  shared.teardown(() => relay.close());
  const reg = relay.ctx.registry;
  const started = new Promise<void>((resolve) => {
    const on = (m: Mount): void => {
      if (m.name !== MOUNT) return;
      reg.off('source-start', on);
      resolve();
    };
    reg.on('source-start', on);
  });
  const source = startSource({ port: relay.port(), mount: MOUNT, codec: 'mp3', password: SECRETS.sourcePassword, noise: true });
  shared.teardown(() => stopProcess(source));
  await started;
  return { relay, source };
}

export interface GuardedGateway extends TestGateway {
  proxy: CountingProxy;
}

/** A gateway whose upstream is the relay behind a counting proxy. */
export async function guardedGateway(shared: Shared, relay: RunningRelay, gateway: Record<string, unknown>, extra: Partial<StartGatewayOptions> = {}): Promise<GuardedGateway> {
  const proxy = await countingProxy(shared, relay.port());
  return { ...(await testGateway(shared, proxy.port, gateway, extra)), proxy };
}

/** GET `path` on the gateway's listener port; for a 200 waits for STREAM_BYTES of audio. */
export async function play(port: number, path: string, headers: Record<string, string> = {}): Promise<Capture> {
  const l = openListener({ port, path, headers, bytes: STREAM_BYTES, timeoutMs: 15000 });
  try {
    return await l.capture;
  } finally {
    l.socket.destroy();
  }
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** The catalogue code in a refusal body. */
export function codeOf(capture: Capture): string | undefined {
  return /\((GW_[A-Z_]+), ref [0-9a-f]{8}\)/.exec(capture.body.toString('latin1'))?.[1];
}
