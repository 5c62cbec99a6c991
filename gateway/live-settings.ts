// The settings a running gateway takes without closing a socket (a reload under `icegate start`):
// gateway.mounts and gateway.tokens (listener authentication), gateway.limits, the thresholds of
// gateway.rateLimit and gateway.privacy. The ports read them from the shared context at every
// request, so the next connection or request gets the new ones and open streams keep playing:
// a stream is authenticated once, when it opens (listener-auth.ts). Everything else (ports,
// hosts, TLS files, upstream, upstreamAuth, the rate-limit store, admin client certificates) is
// bound at start and needs a restart; supervisor/reload.ts decides which it is.
import type http from 'node:http';
import { isDeepStrictEqual } from 'node:util';
import type { Config, GatewayConfig } from '../config/schema.ts';
import { ipDisplay } from './privacy.ts';
import { CHANNELS, type Channel, type FailureLimits } from './limits/rate-limit.ts';
import { failureLimits } from './limits/rate-limit-store.ts';
import type { GatewaySecurity } from './limits/security.ts';
import type { GatewayContext, HeadLimits } from './context.ts';
import { ListenerAuth } from './listener-auth/modes.ts';
import type { AuthDeps } from './listener-auth/verdict.ts';

export interface LiveSettingsOptions {
  readonly ctx: GatewayContext;
  readonly security: GatewaySecurity;
  /** Where the revocation list of stream links lives. */
  readonly stateDir: string;
  readonly deps: AuthDeps;
  /** The HTTP(S) servers whose head limits Node enforces itself (http-gate.ts httpServerOptions). */
  readonly servers: readonly http.Server[];
}

export function headLimits(l: GatewayConfig['limits']): HeadLimits {
  return { headerTimeoutMs: l.headerTimeout * 1000, maxHeaderBytes: l.maxHeaderBytes, maxHeaders: l.maxHeaders };
}

/** gateway.rateLimit's thresholds, the same for every channel (each still counts apart). */
export function channelLimits(r: GatewayConfig['rateLimit']): Record<Channel, FailureLimits> {
  return Object.fromEntries(CHANNELS.map((c) => [c, failureLimits(r)])) as Record<Channel, FailureLimits>;
}

const changed = (a: unknown, b: unknown): boolean => !isDeepStrictEqual(a, b);
const thresholds = (r: GatewayConfig['rateLimit']): unknown => [r.consecutiveFailures, r.consecutiveBlock, r.dailyFailures, r.dailyBlock];

export class LiveSettings {
  #current: Config;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly o: LiveSettingsOptions,
    config: Config,
  ) {
    this.#current = config;
  }

  /** The configuration in force: the start's, with the live keys of the last applied reload. */
  get current(): Config {
    return this.#current;
  }

  /**
   * Applies the live keys of `next`; keys that need a restart are left as they are. A missing or
   * bad htpasswd file refuses the whole reload, naming the file, and changes nothing. Reloads run
   * one after the other.
   */
  apply(next: Config): Promise<void> {
    const run = this.#queue.then(() => this.#apply(next));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #apply(next: Config): Promise<void> {
    const { ctx, security } = this.o;
    const old = this.#current;
    const g = next.gateway;
    const authChanged = changed(old.gateway.mounts, g.mounts) || changed(old.gateway.tokens, g.tokens) || old.relay.hostname !== next.relay.hostname;
    // Built before anything is swapped: reads every htpasswd file the new mounts use.
    const auth = authChanged
      ? await ListenerAuth.open({ gateway: g, server: next.relay.hostname, stateDir: this.o.stateDir, deps: this.o.deps, tokenUses: ctx.listenerAuth.tokenUses })
      : null;
    if (changed(thresholds(old.gateway.rateLimit), thresholds(g.rateLimit))) {
      try {
        ctx.limiter.setLimits(channelLimits(g.rateLimit));
      } catch (err) {
        auth?.close();
        throw err;
      }
    }
    if (auth) {
      const previous = ctx.listenerAuth;
      auth.watch();
      ctx.listenerAuth = auth;
      previous.close();
    }
    ctx.limits = headLimits(g.limits);
    for (const server of this.o.servers) {
      // Node reads these from the server for each new connection (and its timeout sweep). The TLS
      // handshake budget (start.ts) is fixed in the TLS server at start; it follows at a restart.
      Object.assign(server, { maxHeaderSize: ctx.limits.maxHeaderBytes, headersTimeout: ctx.limits.headerTimeoutMs, requestTimeout: ctx.limits.headerTimeoutMs });
    }
    ctx.caps?.reconfigure(g.limits);
    ctx.showListenerIp = ipDisplay(g.privacy.anonymizeIps);
    security.reconfigure({ closeOnBan: g.rateLimit.closeOnBan, anonymizeIps: g.privacy.anonymizeIps });
    const { store, redis } = old.gateway.rateLimit;
    this.#current = {
      ...old,
      relay: { ...old.relay, hostname: next.relay.hostname },
      gateway: { ...old.gateway, mounts: g.mounts, tokens: g.tokens, limits: g.limits, rateLimit: { ...g.rateLimit, store, redis }, privacy: g.privacy },
    };
  }
}
