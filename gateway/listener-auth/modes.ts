// Listener authentication per mount (gateway.mounts): which check a stream, playlist or HLS
// request of a mount goes through after the policies allowed it. A stream link (/t/<token>/…)
// is verified whenever one is present and, when genuine, opens its mount whatever the mount's
// mode; without one, the mount's mode decides. The listener's credentials are the gateway's to
// check: the upstream never sees them (listener-port.ts drops Authorization, decide.ts the token).
import { isAbsolute, resolve } from 'node:path';
import type { Config, GatewayConfig, ListenerAuthConfig } from '../../config/schema.ts';
import { ConcurrentCounter } from '../limits/connection-limits.ts';
import { HtpasswdStore } from './htpasswd-file.ts';
import { checkHtpasswd } from './basic.ts';
import { RevocationList, revocationsPath } from './revocations.ts';
import { TokenCheck } from './token.ts';
import type { LinkTable } from './links.ts';
import { allowed, blockBefore, denied, type AuthDeps, type AuthVerdict, type ListenerRequest } from './verdict.ts';
import { WebhookCheck } from './webhook.ts';

export interface ListenerAuthOptions {
  readonly gateway: Pick<GatewayConfig, 'tokens' | 'mounts'>;
  /** Sent to webhooks as `server` (relay.hostname). */
  readonly server: string;
  /** Where the revocation list of stream links lives. */
  readonly stateDir: string;
  readonly deps: AuthDeps;
  /** The open streams per stream link; a reload passes the running one on so maxUses still counts them. */
  readonly tokenUses?: ConcurrentCounter;
}

export class ListenerAuth {
  readonly #mounts: Readonly<Record<string, ListenerAuthConfig>>;
  readonly #tokens: TokenCheck | null;
  readonly #htpasswd: ReadonlyMap<string, HtpasswdStore>;
  readonly #webhooks: ReadonlyMap<string, WebhookCheck>;
  readonly #deps: AuthDeps;
  readonly tokenUses: ConcurrentCounter;

  private constructor(o: ListenerAuthOptions, htpasswd: Map<string, HtpasswdStore>) {
    const { deps } = o;
    this.#mounts = o.gateway.mounts;
    const keys = o.gateway.tokens.keys;
    const revocations = new RevocationList(revocationsPath(o.stateDir), (message) => deps.events.emit('auth-file-error', { file: revocationsPath(o.stateDir), message }));
    this.tokenUses = o.tokenUses ?? new ConcurrentCounter();
    this.#tokens = Object.keys(keys).length === 0 ? null : new TokenCheck(keys, revocations, deps, this.tokenUses);
    this.#htpasswd = htpasswd;
    const webhooks = new Map<string, WebhookCheck>();
    for (const [mount, m] of Object.entries(this.#mounts)) if (m.auth === 'webhook' && m.webhook) webhooks.set(mount, new WebhookCheck(m.webhook, o.server, deps));
    this.#webhooks = webhooks;
    this.#deps = deps;
  }

  /** Reads every htpasswd file a mount uses; a missing or bad one fails the start, naming file and line. */
  static async open(o: ListenerAuthOptions): Promise<ListenerAuth> {
    const stores = new Map<string, HtpasswdStore>();
    for (const m of Object.values(o.gateway.mounts)) {
      if (m.auth !== 'htpasswd' || m.htpasswd === null || stores.has(m.htpasswd)) continue;
      const store = await HtpasswdStore.open(m.htpasswd).catch((err: unknown) => {
        // A file after the first failed: close the ones already open, nothing is left watching.
        for (const s of stores.values()) s.close();
        throw err;
      });
      store.on('reloadFailed', (err) => o.deps.events.emit('auth-file-error', { file: store.file, message: err.message }));
      stores.set(m.htpasswd, store);
    }
    return new ListenerAuth(o, stores);
  }

  /** The operator's links (links.ts), shared by every ListenerAuth a reload builds. */
  get links(): LinkTable | undefined {
    return this.#deps.links;
  }

  /** Follow edits of the htpasswd files. */
  watch(): void {
    for (const store of this.#htpasswd.values()) store.watch();
  }

  close(): void {
    for (const store of this.#htpasswd.values()) store.close();
  }

  async check(request: ListenerRequest): Promise<AuthVerdict> {
    const mount = Object.hasOwn(this.#mounts, request.mount) ? this.#mounts[request.mount] : undefined;
    if (request.token !== null) {
      // With no key configured no link can be genuine: fail closed rather than serve it as public.
      if (!this.#tokens) return denied('GW_TOKEN_INVALID', 'no signing key is configured for stream links');
      return this.#tokens.check(request, request.token, mount?.maxUsesPerToken ?? null);
    }
    // A CORS preflight carries no credentials and no audio.
    if (request.method === 'OPTIONS') return allowed();
    switch (mount?.auth ?? 'none') {
      case 'none':
        return allowed();
      case 'token': {
        const blocked = await blockBefore(this.#deps, { channel: 'token', user: '', ip: request.ip }, false);
        return blocked ?? denied('GW_TOKEN_REQUIRED', 'the mount opens with a stream link only');
      }
      case 'htpasswd':
        return checkHtpasswd(this.#deps, this.#htpasswd.get(mount!.htpasswd!)!, request);
      case 'webhook':
        return this.#webhooks.get(request.mount)!.check(request);
    }
  }
}

/** Relative htpasswd paths mean: next to the config file, like the TLS files. */
export function withListenerAuthPaths(config: Config, baseDir: string): Config {
  const mounts = Object.fromEntries(
    Object.entries(config.gateway.mounts).map(([name, m]) => [name, m.htpasswd === null || isAbsolute(m.htpasswd) ? m : { ...m, htpasswd: resolve(baseDir, m.htpasswd) }]),
  );
  return { ...config, gateway: { ...config.gateway, mounts } };
}
