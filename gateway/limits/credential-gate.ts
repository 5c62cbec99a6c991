// Brute-force protection around a forwarded credential check. The upstream (relay core or
// Icecast) compares the password; the gateway counts the outcome it answers with. A request
// without credentials is a probe (libshout's first SOURCE, /admin/!POKE,
// docs/icecast-compatibility.md#source-clients) and never counts, but a blocked address is refused whatever it sends, before anything
// reaches the upstream.
import { parseBasic } from '../../stream/basic-auth.ts';
import type { Channel, CredentialLimiter, LimitState } from './rate-limit.ts';
import { noteDeny, type GatewayContext } from '../context.ts';

export interface CredentialGate {
  readonly source: CredentialSource;
  /** Whether credentials were sent at all. */
  readonly carriesCredentials: boolean;
  /** Before forwarding: the block in force for this address and user, if any. */
  admit(): Promise<LimitState>;
  /** The upstream's final status: 401 is a failed guess, 2xx a success; anything else says nothing. */
  settle(status: number): Promise<void>;
}

export interface CredentialSource {
  readonly channel: Channel;
  readonly ip: string;
  readonly authorization: string | undefined;
  /** A password in the query (SHOUTcast-style /admin.cgi?pass=). */
  readonly passwordParam?: boolean;
}

export function credentialGate(limiter: CredentialLimiter, source: CredentialSource): CredentialGate {
  const carriesCredentials = source.authorization !== undefined || source.passwordParam === true;
  // Malformed Basic credentials still count as a guess, keyed on the empty user name.
  const attempt = { channel: source.channel, ip: source.ip, user: parseBasic(source.authorization)?.user ?? '' };
  return {
    source,
    carriesCredentials,
    admit: () => (carriesCredentials ? limiter.check(attempt) : limiter.record(attempt, 'probe')),
    async settle(status) {
      if (!carriesCredentials) return;
      if (status === 401) await limiter.record(attempt, 'failure');
      else if (status >= 200 && status < 300) await limiter.record(attempt, 'success');
    },
  };
}

export type Admission =
  | { readonly kind: 'ok' }
  | { readonly kind: 'deny'; readonly code: 'GW_RATE_LIMITED' | 'GW_INTERNAL'; readonly reason: string; readonly retryAfterSeconds?: number };

/** The gate's verdict before forwarding. A failing limiter refuses (fail closed) and is reported. */
export async function admitCredentials(ctx: GatewayContext, gate: CredentialGate): Promise<Admission> {
  let state: LimitState;
  try {
    state = await gate.admit();
  } catch (err) {
    ctx.events.emit('limiter-error', { message: (err as Error).message });
    return { kind: 'deny', code: 'GW_INTERNAL', reason: 'the credential limiter failed' };
  }
  if (!state.blocked) return { kind: 'ok' };
  return { kind: 'deny', code: 'GW_RATE_LIMITED', reason: 'too many failed logins from this address', retryAfterSeconds: state.retryAfterSeconds };
}

/** Counts the upstream's answer; a limiter failure is reported, the response already went out. */
export function settleCredentials(ctx: GatewayContext, gate: CredentialGate, status: number): void {
  // The upstream wrote the 401 itself; the refusal is still the gateway's to log and count (fail2ban, security view).
  const { channel, ip } = gate.source;
  if (gate.carriesCredentials && status === 401 && (channel === 'source' || channel === 'admin')) {
    noteDeny(ctx, channel, ip, 'GW_AUTH_FAILED', 'the upstream refused the credentials');
  }
  gate.settle(status).catch((err: unknown) => ctx.events.emit('limiter-error', { message: (err as Error).message }));
}
