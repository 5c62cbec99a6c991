// auth: htpasswd. HTTP Basic credentials (RFC 7617) against a bcrypt htpasswd file that follows
// edits (gateway/htpasswd-file.ts). The challenge (WWW-Authenticate) goes only to a request
// without credentials: wrong ones get a plain 401, so a browser does not loop on its prompt and
// a guessing client learns nothing new; after too many, 429 with Retry-After.
import { parseBasic } from '../../stream/basic-auth.ts';
import type { HtpasswdStore } from './htpasswd-file.ts';
import { allowed, blockBefore, countOutcome, denied, failed, type AuthDeps, type AuthVerdict, type ListenerRequest } from './verdict.ts';

export async function checkHtpasswd(deps: AuthDeps, store: HtpasswdStore, request: ListenerRequest): Promise<AuthVerdict> {
  const sent = request.authorization !== undefined;
  const credentials = parseBasic(request.authorization);
  // Malformed or non-Basic credentials still count as a guess, keyed on the empty user name.
  const attempt = { channel: 'listener' as const, user: credentials?.user ?? '', ip: request.ip };
  const blocked = await blockBefore(deps, attempt, sent);
  if (blocked) return blocked;
  if (!sent) return denied('GW_AUTH_REQUIRED', 'the mount asks for a listener user and password', { challenge: true });
  if (credentials === null || !(await store.verify(credentials.user, credentials.password))) {
    return failed(deps, attempt, denied('GW_AUTH_FAILED', 'wrong listener user or password'));
  }
  await countOutcome(deps, attempt, 'success');
  return allowed();
}
