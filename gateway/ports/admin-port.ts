// The admin port: HTTPS on loopback by default, optionally requiring a client certificate from
// icegate's private CA. The certificate is asked for in the handshake but checked per request
// (docs/gateway-security.md#admin-client-certificates): a missing or foreign one gets a readable 403 from the catalogue
// instead of a bare TLS alert, and still never reaches the upstream. `ca` is the private CA
// only, so no publicly trusted certificate is ever `authorized`.
import type http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import type tls from 'node:tls';
import { plainAddress } from '../../stream/client-ip.ts';
import type { GatewayErrorCode } from '../../policies/errors.ts';
import { crossSiteReason } from '../../policies/cross-site.ts';
import { noteDeny, reportTlsClientErrors, type GatewayContext } from '../context.ts';
import { admitCredentials, credentialGate, settleCredentials } from '../limits/credential-gate.ts';
import type { Forwarder } from '../forward/proxy.ts';
import { gateRequest, guardHttpServer, httpServerOptions, inTurn } from './http-gate.ts';
import { denyOnResponse, PORT_METHODS, type DenyOptions } from './respond.ts';


export interface AdminPortOptions {
  /** Server key and certificate, plus `ca` (the private CA) when client certificates are required. */
  readonly secure: tls.TlsOptions;
  readonly clientCertificates: boolean;
}

export function createAdminServer(ctx: GatewayContext, forwarder: Forwarder, o: AdminPortOptions): https.Server {
  const mtls = o.clientCertificates ? { requestCert: true, rejectUnauthorized: false } : {};
  const server = https.createServer(
    { ...httpServerOptions(ctx.limits), ...o.secure, ...mtls },
    inTurn((req, res) => handleAdmin(ctx, forwarder, o.clientCertificates, req, res)),
  );
  guardHttpServer(server, ctx, 'admin');
  reportTlsClientErrors(server, ctx, 'admin');
  return server;
}

async function handleAdmin(ctx: GatewayContext, forwarder: Forwarder, certificates: boolean, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const ip = plainAddress(req.socket.remoteAddress);
  const refuse = (code: GatewayErrorCode, reason: string, options: Omit<DenyOptions, 'id'> = {}): void => {
    denyOnResponse(res, code, { ...options, allow: PORT_METHODS.admin, id: noteDeny(ctx, 'admin', ip, code, reason) });
  };
  if (certificates && !(req.socket as TLSSocket).authorized) {
    return refuse('GW_CLIENT_CERT_REQUIRED', 'no client certificate from the private CA');
  }
  const gated = gateRequest(ctx, 'admin', req, ip);
  if (gated.kind === 'deny') return refuse(gated.code, gated.reason);
  const header = (name: string): string | undefined => {
    const v = req.headers[name];
    return Array.isArray(v) ? v.join(',') : v;
  };
  const crossSite = crossSiteReason({ secFetchSite: header('sec-fetch-site'), origin: header('origin'), host: header('host'), proto: 'https' });
  if (crossSite !== null) return refuse('GW_CROSS_SITE', crossSite);
  // No CORS on the admin port: a page of another site may not read what the admin API answers.
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name, value) => (/^access-control-/i.test(name) ? res : setHeader(name, value));
  const gate = credentialGate(ctx.limiter, { channel: 'admin', ip, authorization: req.headers.authorization });
  const admission = await admitCredentials(ctx, gate);
  if (admission.kind === 'deny') return refuse(admission.code, admission.reason, { retryAfterSeconds: admission.retryAfterSeconds });
  if (res.destroyed) return;
  ctx.events.emit('forward', { role: 'admin', ip, route: gated.route, target: `${req.method} ${gated.target}` });
  forwarder.forward(req, res, {
    target: gated.target,
    clientIp: ip,
    proto: 'https',
    onStatus: (status) => settleCredentials(ctx, gate, status),
    onError: (err) => {
      ctx.events.emit('upstream-error', { role: 'admin', ip, message: err.message });
      refuse('GW_UPSTREAM_UNAVAILABLE', 'the upstream failed');
    },
  });
}
