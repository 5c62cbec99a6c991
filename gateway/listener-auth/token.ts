// Stream links (policies/tokens.ts) at the door: verified against the mount of the request, expiry
// checked now, when the stream opens, never during it; at most maxUses listeners per link at
// once, counted while their responses are open. A token whose id is in the operator's table of
// links (links.ts) is that link: revoked or expired it answers GW_LINK_CLOSED, its maxListeners
// is the limit, and its players are cut when it is revoked or expires (gate.ts holds them). Every refusal is a 403 (429 when the link is in
// use): a player or a browser must never show a password prompt for a link.
import { ConcurrentCounter } from '../limits/connection-limits.ts';
import { StreamTokens, TOKEN_ERRORS, type TokenVerdict } from '../../policies/tokens.ts';
import { RevocationList } from './revocations.ts';
import { allowed, blockBefore, countOutcome, denied, type AuthDeps, type AuthVerdict, type ListenerRequest } from './verdict.ts';

/** Verdicts that only a forged or garbled link produces; these are counted as failed guesses. */
const FORGED = new Set<TokenVerdict['kind']>(['malformed', 'unknown-key', 'tampered']);

const REASONS: Readonly<Record<Exclude<TokenVerdict['kind'], 'ok'>, string>> = {
  malformed: 'the stream link is malformed',
  'unknown-key': 'the stream link names a key that is not configured',
  tampered: 'the stream link signature does not match',
  expired: 'the stream link has expired',
  'wrong-mount': 'the stream link is for another mount',
  revoked: 'the stream link is revoked',
};

export class TokenCheck {
  readonly #keys: Readonly<Record<string, string>>;
  readonly #revocations: RevocationList;
  readonly #uses: ConcurrentCounter;
  #tokens: StreamTokens;
  #revoked: ReadonlySet<string> | null = null;

  /** `keys`: gateway.tokens.keys, non-empty. `uses`: the open streams per link, kept across a reload. */
  constructor(
    keys: Readonly<Record<string, string>>,
    revocations: RevocationList,
    private readonly deps: AuthDeps,
    uses = new ConcurrentCounter(),
  ) {
    this.#uses = uses;
    this.#keys = keys;
    this.#revocations = revocations;
    this.#tokens = new StreamTokens(keys);
  }

  async check(request: ListenerRequest, token: string, mountMaxUses: number | null): Promise<AuthVerdict> {
    const attempt = { channel: 'token' as const, user: '', ip: request.ip };
    const blocked = await blockBefore(this.deps, attempt, true);
    if (blocked) return blocked;
    const verdict = (await this.#current()).verify(token, request.mount, this.deps.clock.now());
    // A link of the operator's (links.ts): revoked and expired answer alike, before the mount.
    const link = 'claims' in verdict ? this.deps.links?.get(verdict.claims.id) : undefined;
    if (link && (verdict.kind === 'expired' || verdict.kind === 'revoked' || this.deps.links!.closed(link))) {
      return denied('GW_LINK_CLOSED', 'the link is revoked or has expired');
    }
    if (verdict.kind !== 'ok') {
      if (FORGED.has(verdict.kind)) await countOutcome(this.deps, attempt, 'failure');
      return denied(TOKEN_ERRORS[verdict.kind], REASONS[verdict.kind]);
    }
    await countOutcome(this.deps, attempt, 'success');
    if (link) this.deps.links!.used(link.id);
    const limit = Math.min((link ? link.maxListeners : verdict.claims.maxUses) ?? Infinity, mountMaxUses ?? Infinity);
    // A link's HLS players count towards its limit too: each is known by address and User-Agent
    // while it keeps asking (links.ts), as the relay counts its sessions.
    if (link && request.route === 'hls' && limit !== Infinity) {
      const streams = this.#uses.count(link.id);
      if (!this.deps.links!.admitHls(link.id, `${request.ip}\n${request.agent ?? ''}`, limit, streams)) return denied('GW_TOKEN_IN_USE', 'the stream link is at its limit of concurrent listeners');
    }
    // Playlists and HLS files are short requests: only a stream holds a use of the link.
    if (request.route !== 'stream') return allowed();
    const hls = link && limit !== Infinity ? this.deps.links!.hlsPlayers(link.id) : 0;
    const lease = this.#uses.acquire(verdict.claims.id, limit - hls);
    if (!lease) return denied('GW_TOKEN_IN_USE', 'the stream link is at its limit of concurrent listeners');
    return allowed({ end: () => lease.release(), ...(link ? { linkId: link.id } : {}) });
  }

  /** The verifier with the revocation list in force. */
  async #current(): Promise<StreamTokens> {
    const revoked = await this.#revocations.current();
    if (revoked !== this.#revoked) {
      this.#tokens = new StreamTokens(this.#keys, revoked);
      this.#revoked = revoked;
    }
    return this.#tokens;
  }
}
