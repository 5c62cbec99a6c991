// HLS requests held while the relay restarts (docs/hls.md#across-a-relay-restart): a playlist or
// segment request whose upstream refuses the connection waits, at most the time onForwardFailed
// (decide.ts) allows, until a TCP connection to the relay succeeds again, and is forwarded then,
// once. The relay saw nothing of the refused attempt, so trying again is safe; a client that
// leaves meanwhile ends the wait. A probe is one loopback connect every 100 ms per waiting request,
// closed at once; the requests themselves are bounded by the listener port's connection caps.
import type { IncomingMessage, ServerResponse } from 'node:http';
import net from 'node:net';
import type { ForwardOptions, Forwarder } from '../forward/proxy.ts';
import { onForwardFailed } from './decide.ts';

const PROBE_EVERY_MS = 100;

export interface ForwardHold {
  readonly upstream: { readonly host: string; readonly port: number };
  /** gateway.hold.players in ms. */
  holdMs(): number;
}

/** `forwarder`, with a refused connection waited out for as long as the hold allows. */
export function holdingForwarder(forwarder: Forwarder, hold: ForwardHold): Pick<Forwarder, 'forward'> {
  return {
    forward(req: IncomingMessage, res: ServerResponse, options: ForwardOptions): void {
      forwarder.forward(req, res, {
        ...options,
        onError: (err) => {
          const waitMs = onForwardFailed({ method: req.method ?? '', code: (err as NodeJS.ErrnoException).code, responded: res.headersSent || res.destroyed, holdMs: hold.holdMs() });
          if (waitMs === 0) return options.onError(err);
          void relayBack(hold.upstream, waitMs, res).then((back) => {
            if (res.destroyed) return;
            if (back) forwarder.forward(req, res, options);
            else options.onError(err);
          });
        },
      });
    },
  };
}

/** Resolves true once a connection to `upstream` succeeds, false after `waitMs` or when the client left. */
function relayBack(upstream: ForwardHold['upstream'], waitMs: number, res: ServerResponse): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  return new Promise((resolve) => {
    const probe = (): void => {
      if (res.destroyed || Date.now() >= deadline) return resolve(false);
      const s = net.connect(upstream.port, upstream.host);
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => {
        s.destroy();
        setTimeout(probe, PROBE_EVERY_MS);
      });
    };
    setTimeout(probe, PROBE_EVERY_MS);
  });
}
