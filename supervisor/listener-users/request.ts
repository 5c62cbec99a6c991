// POST /v1/listener-users bodies (contracts/listener-users.ts), checked before anything is hashed
// or written: a mount's name, a user name by the rule of `icegate passwd`, a password bcrypt takes
// whole. Pure: the answer is the request or a ControlError, whose message never holds the password.
import { passwordProblem, userProblem } from '../../contracts/htpasswd.ts';
import type { ListenerUserRequest } from '../../contracts/listener-users.ts';
import { isMount } from '../../policies/classify.ts';
import { ControlError } from '../errors.ts';

const FIELDS = new Set<string>(['mount', 'name', 'password'] satisfies (keyof ListenerUserRequest)[]);

/** The request in `body`, or the ControlError of the first field that is wrong. */
export function parseListenerUserRequest(body: Record<string, unknown>): ListenerUserRequest {
  for (const key of Object.keys(body)) if (!FIELDS.has(key)) throw new ControlError('bad-request', `unknown field ${JSON.stringify(key.slice(0, 40))}`);
  const { mount, name, password } = body;
  if (typeof mount !== 'string' || !isMount(mount)) throw new ControlError('bad-request', 'mount must be a mount name such as /live.mp3');
  checkName(name);
  const problem = passwordProblem(password);
  if (problem !== null) throw new ControlError('bad-password', problem);
  return { mount, name: name as string, password: password as string };
}

/** A user name as `icegate passwd` takes it, or ControlError bad-user-name (the name is not echoed). */
export function checkName(name: unknown): asserts name is string {
  const problem = userProblem(name);
  if (problem !== null) throw new ControlError('bad-user-name', problem);
}
