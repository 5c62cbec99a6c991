// Who may take a mount whose source is still connected. Icecast answers every second source
// "403 Mountpoint in use", which locks out an encoder that reconnects after a network change
// while its old connection has not timed out yet (AzuraCast/AzuraCast#7167, DSheirer/sdrtrunk#1423).
// icegate keeps Icecast's answer for a source that is live — whatever its address, so two
// encoders configured alike cannot flap the stream — and lets a connection with the same mount
// credentials, from any address (NAT rebinding), replace a source that has sent nothing for
// relay.limits.takeoverAfter seconds. Pure.
import { createHash } from 'node:crypto';

export interface TakeoverInput {
  /** ms since the current source's last byte. */
  readonly idleMs: number;
  /** relay.limits.takeoverAfter, in ms. */
  readonly afterMs: number;
  /** The new connection presented the credentials the current source connected with. */
  readonly sameCredentials: boolean;
}

export type TakeoverDecision = 'take-over' | 'in-use';

export function takeoverDecision(i: TakeoverInput): TakeoverDecision {
  return i.sameCredentials && i.idleMs >= i.afterMs ? 'take-over' : 'in-use';
}

/** What a source's credentials are compared by: a digest, so no password is kept in the clear. */
export function credentialKey(user: string, password: string): string {
  return createHash('sha256').update(`${user}\0${password}`, 'utf8').digest('base64url');
}
