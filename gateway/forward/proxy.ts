// The one module that imports http-proxy (1.18.1, unmaintained:
// docs/gateway-security.md#http-proxy). It carries allowed requests of the listener and admin ports to the
// upstream, with the library's known faults taken out:
// - the `deleteLength` pass is removed: it rewrites DELETE/OPTIONS to `Content-Length: 0` while
//   still streaming the body, a CL.TE desync (node-http-proxy #1720/#1721, CVE-2026-29057);
// - X-Forwarded-For is overwritten with the peer address, never appended (`xfwd` stays off);
// - the upstream request is destroyed when the client leaves, which 1.18.1 misses on Node ≥ 15.5
//   and so leaks one upstream listener per disconnect (http-party/node-http-proxy#1586);
// - every error becomes a 502 from the catalogue or a cut connection, never a throw: http-proxy
//   rethrows errors nobody listens to (#898), and an aborted upstream response emits 'error'.
// Each request gets its own upstream connection (`agent: false`), so no two clients' requests
// ever share one and a desync could not cross from one client to another.
import type { IncomingMessage, ServerResponse } from 'node:http';
import httpProxy from 'http-proxy';
import type { Upstream } from '../context.ts';
import { gatewayFields, stripFields } from './headers.ts';
import { encodePath } from '../../policies/canonical.ts';
import { denyOnResponse } from '../ports/respond.ts';

export interface ForwardOptions {
  /** Canonical request target (policies/decide.ts); replaces the client's. */
  readonly target: string;
  readonly clientIp: string;
  readonly proto: 'http' | 'https';
  /** Sent as X-Forwarded-Prefix: the path the client's URL had in front of `target` (a stream link's /t/<token>). */
  readonly prefix?: string;
  /**
   * Sent as X-Icegate-Mount, percent-encoded: the mount of the verified stream link the listening
   * page or the public status was opened through, which the relay then shows alone.
   */
  readonly linkMount?: string;
  /** Fields removed besides the hop-by-hop and identity ones (e.g. authorization on listener ports). */
  readonly drop?: readonly string[];
  /** The upstream's status, once its response head arrived. */
  onStatus?(status: number): void;
  /** The upstream failed or could not be reached; called at most once. The caller answers with a 502 or cuts a response under way (respond.ts denyOnResponse). */
  onError(err: Error): void;
}

export interface Forwarder {
  forward(req: IncomingMessage, res: ServerResponse, options: ForwardOptions): void;
  /** The request passes in the order http-proxy runs them. */
  readonly passes: readonly string[];
}

type Pass = (...args: unknown[]) => unknown;

/** Pass names as http-proxy defines them (lib/http-proxy/passes/web-incoming.js). */
const REMOVED_PASSES = new Set(['deleteLength']);

export function createForwarder(upstream: Upstream): Forwarder {
  const proxy = httpProxy.createProxyServer({
    target: upstream.origin,
    xfwd: false,
    changeOrigin: false,
    ws: false,
    agent: false,
    // Icecast's header spelling reaches players unchanged; some compare it case-sensitively.
    preserveHeaderKeyCase: true,
  });
  const internals = proxy as unknown as { webPasses: Pass[] };
  internals.webPasses = internals.webPasses.filter((pass) => !REMOVED_PASSES.has(pass.name));
  const pending = new WeakMap<IncomingMessage, ForwardOptions>();

  proxy.on('proxyReq', (proxyReq, _req, res) => {
    res.on('close', () => {
      if (!res.writableFinished) proxyReq.destroy();
    });
  });
  proxy.on('proxyRes', (proxyRes, req, res) => {
    // Fires when the upstream drops a response under way; after the client left, it is only the echo of our own destroy.
    proxyRes.on('error', (err) => (res.destroyed ? undefined : fail(pending.get(req), err, res)));
    res.on('close', () => proxyRes.destroy());
    // An Icecast stream is delimited by closing the connection; relayed as such, not re-chunked,
    // because some ICY players cannot read a chunked stream.
    if (proxyRes.headers['content-length'] === undefined && proxyRes.headers['transfer-encoding'] === undefined) {
      res.useChunkedEncodingByDefault = false;
    }
    if (proxyRes.statusCode !== undefined) pending.get(req)?.onStatus?.(proxyRes.statusCode);
  });
  // Without a listener of its own, http-proxy rethrows; every request also has a callback below.
  proxy.on('error', (err, req, res) => fail(pending.get(req), err, res as ServerResponse | undefined));
  proxy.on('econnreset', () => {});

  return {
    passes: internals.webPasses.map((pass) => pass.name),
    forward(req, res, given) {
      let failed = false;
      const options: ForwardOptions = {
        ...given,
        onError: (err) => {
          if (failed) return;
          failed = true;
          given.onError(err);
        },
      };
      pending.set(req, options);
      stripFields(req.headers, ['expect', ...(options.drop ?? [])]);
      const host = req.headers.host ?? localHost(req);
      // Lower-case, as in req.headers, so each replaces the client's value instead of joining it.
      const headers: Record<string, string> = { host };
      for (const [name, value] of gatewayFields(options.clientIp, options.proto, upstream.forwardKey)) headers[name.toLowerCase()] = value;
      if (options.prefix !== undefined) headers['x-forwarded-prefix'] = options.prefix;
      if (options.linkMount !== undefined) headers['x-icegate-mount'] = encodePath(options.linkMount);
      req.url = options.target;
      try {
        proxy.web(req, res, { headers }, (err) => fail(options, err, res as ServerResponse));
      } catch (err) {
        // Node refuses to send some header values it accepted on receipt.
        fail(options, err as Error, res);
      }
    },
  };
}

function fail(options: ForwardOptions | undefined, err: Error, res: ServerResponse | undefined): void {
  if (options) options.onError(err);
  else if (res) denyOnResponse(res, 'GW_UPSTREAM_UNAVAILABLE');
}

/** The address the client reached, as a Host value, for HTTP/1.0 requests without one. */
function localHost(req: IncomingMessage): string {
  const { localAddress = '127.0.0.1', localPort } = req.socket;
  const address = localAddress.startsWith('::ffff:') ? localAddress.slice(7) : localAddress;
  return `${address.includes(':') ? `[${address}]` : address}:${localPort}`;
}
