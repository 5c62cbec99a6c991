// An admitted source request, carried to the upstream: a TCP connection, the canonical head,
// then the bytes in both directions as they are, with backpressure (stream.pipeline). Whichever
// side goes first takes the other with it: a source that disconnects ends its mount upstream,
// and a source the upstream drops (killsource, a takeover) is disconnected here. An endless
// source body (PUT/SOURCE) is held across relay restarts instead when gateway.hold.sources is set
// (gateway/hold/held-source.ts).
import net, { type Socket } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { BodyLimit, type Framing } from './body-limit.ts';
import type { Upstream } from '../context.ts';
import { StatusPeeker } from './upstream-status.ts';
import { runHeldSource, type SourceHoldContext } from '../hold/held-source.ts';

/** How long a client may keep its half open after the upstream finished answering. */
const LINGER_MS = 5000;

export interface SourcePipeOptions {
  /** Paused, with the head already read from it. */
  readonly client: Socket;
  /** Bytes that arrived after the head: the start of the body. */
  readonly rest: Buffer;
  /** The head to send upstream (source-head.ts). */
  readonly head: Buffer;
  readonly framing: Framing;
  readonly upstream: Upstream;
  readonly connectTimeoutMs: number;
  /** Hold the source across relay restarts (gateway.hold); absent = never held. */
  readonly hold?: SourceHoldContext;
  /** The source in log lines, e.g. "PUT /live.mp3 from 198.51.100.7". */
  readonly label?: string;
  /** The upstream's final status, once. */
  onStatus(status: number): void;
  /** Nothing reached the upstream; the caller answers the client. */
  onUnreachable(code: 'GW_UPSTREAM_UNAVAILABLE' | 'GW_UPSTREAM_TIMEOUT', message: string): void;
  /** Both directions are done; `error` is the first failure of either, if any. */
  onEnd(error: Error | null): void;
}

export function pipeSource(o: SourcePipeOptions): void {
  const upstream = net.connect({ host: o.upstream.host, port: o.upstream.port });
  let decided = false;
  const decide = (): boolean => {
    if (decided) return false;
    decided = true;
    clearTimeout(timer);
    upstream.off('error', onConnectError);
    o.client.off('close', onClientGone);
    return true;
  };
  const unreachable = (code: 'GW_UPSTREAM_UNAVAILABLE' | 'GW_UPSTREAM_TIMEOUT', message: string): void => {
    if (!decide()) return;
    upstream.destroy();
    o.onUnreachable(code, message);
  };
  const onConnectError = (err: Error): void => unreachable('GW_UPSTREAM_UNAVAILABLE', err.message);
  const onClientGone = (): void => {
    if (decide()) upstream.destroy();
  };
  const timer = setTimeout(() => unreachable('GW_UPSTREAM_TIMEOUT', 'no connection to the upstream in time'), o.connectTimeoutMs);
  upstream.on('error', onConnectError);
  o.client.once('close', onClientGone);
  upstream.once('connect', () => {
    if (decide()) connected(o, upstream);
  });
}

function connected(o: SourcePipeOptions, upstream: Socket): void {
  const { client } = o;
  if (o.hold && o.framing.kind === 'stream' && o.hold.settings().sourcesMs > 0) {
    const { hold, label = 'source' } = o;
    return runHeldSource({ ...o, hold, label, first: upstream, onEnd: (error) => o.onEnd(error) });
  }
  upstream.setNoDelay(true);
  upstream.write(o.head);
  if (o.rest.length > 0) client.unshift(o.rest);
  let firstError: Error | null = null;
  const note = (err: unknown): void => {
    firstError ??= err instanceof Error ? err : new Error(String(err));
  };
  // A framed body (metadata GET, Content-Length, chunked) leaves the upstream's write side open:
  // half-closing it would make Node's HTTP server abort the request it is still answering.
  const toUpstream = pipeline(client, new BodyLimit(o.framing), upstream, { end: o.framing.kind === 'stream' }).catch((err: unknown) => {
    note(err);
    upstream.destroy();
  });
  const toClient = pipeline(upstream, new StatusPeeker((status) => o.onStatus(status)), client)
    .then(() => {
      // The answer is complete; a client that keeps sending is cut after a short grace.
      client.setTimeout(LINGER_MS, () => client.destroy());
    })
    .catch((err: unknown) => {
      note(err);
      client.destroy();
    });
  void Promise.all([toUpstream, toClient]).then(() => o.onEnd(firstError));
}
