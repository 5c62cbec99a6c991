// The control API's error catalogue: one stable code per refusal (ActionResult.error.code), with
// its HTTP status. Messages are fixed text plus, at most, the name the client sent back to it
// (a component, a mount): never a secret.

import type { ReloadRefusal } from '../contracts/control-api.ts';

export interface ControlErrorEntry {
  readonly status: number;
  readonly message: string;
  /** When the control API answers with it; docs/errors.md is generated from these. */
  readonly when: string;
}

export const CONTROL_ERRORS = {
  'bad-request': { status: 400, message: 'Malformed request', when: 'The body is not JSON, a field is missing or of the wrong type, or a parameter is out of range.' },
  'body-too-large': { status: 413, message: 'Request body too large', when: 'A request body over 16 KiB.' },
  'not-found': { status: 404, message: 'No such endpoint', when: 'A path or method the API does not have.' },
  'unknown-component': { status: 404, message: 'No such component', when: 'A component name that is neither relay, gateway nor in supervisor.components.' },
  'unknown-mount': { status: 404, message: 'No such mount', when: 'A mount the relay does not have; for links and listener users, a mount neither configured (relay.mounts, gateway.mounts) nor live.' },
  'unknown-listener': { status: 404, message: 'No such listener', when: 'A listener id that is not on that mount (any more).' },
  'unknown-link': { status: 404, message: 'No such link', when: 'DELETE /v1/links/{id} with an id no link has.' },
  'mount-not-token': { status: 409, message: 'The mount does not open with links', when: 'POST /v1/links for a mount without auth: token in gateway.mounts.' },
  'too-many-links': { status: 409, message: 'Too many links', when: 'POST /v1/links while the links file holds its maximum (10000, revoked and expired ones included until they are a week past their expiry).' },
  'mount-not-htpasswd': { status: 409, message: 'The mount does not use an htpasswd file', when: 'POST or DELETE under /v1/listener-users for a mount without auth: htpasswd in gateway.mounts.' },
  'bad-user-name': { status: 400, message: 'Not a listener user name', when: 'POST /v1/listener-users with a name that is empty, over 255 characters, or holds ":" or a control character or starts with "#" or a space (the rule of icegate passwd).' },
  'bad-password': { status: 400, message: 'Not a usable listener password', when: "POST /v1/listener-users with a password that is empty, longer than bcrypt's 72 bytes of UTF-8, or not valid Unicode text." },
  'unknown-user': { status: 404, message: 'No such listener user', when: "DELETE /v1/listener-users/{mount}/{name} with a name that is not in the mount's htpasswd file." },
  'htpasswd-invalid': { status: 409, message: 'The htpasswd file does not parse; it is left as it is', when: "POST or DELETE under /v1/listener-users while the mount's htpasswd file holds a line that is not a bcrypt user (the message names the file and the line)." },
  'not-banned': { status: 404, message: 'That address is not banned', when: 'DELETE /v1/bans/{ip} for an address without a ban.' },
  'already-stopped': { status: 409, message: 'The component is already stopped', when: 'stop on a stopped component.' },
  'already-started': { status: 409, message: 'icegate is already running', when: 'A second "icegate start" for a configuration whose control socket answers.' },
  'already-running': { status: 409, message: 'The component is already running', when: 'start on a component that is not stopped.' },
  'no-source': { status: 409, message: 'The mount has no source', when: 'kill-source or metadata on a mount that is not live.' },
  'unavailable': { status: 503, message: 'The component is not running', when: 'An action that needs the relay or the gateway while it is not running.' },
  'read-only': { status: 403, message: 'The control API is read-only', when: 'Any action while supervisor.readOnly is true.' },
  'reload-refused': { status: 409, message: 'A component refused the new configuration; the running one is kept everywhere', when: 'POST /v1/reload when the relay or the gateway refused the new settings, or did not start with them (error.refusal names which and why).' },
  'invalid-config': { status: 422, message: 'The configuration is invalid; the running one is kept', when: 'POST /v1/reload with a file that does not validate.' },
  'failed': { status: 500, message: 'The action failed', when: 'The component could not carry the action out (the message says why).' },
  'too-many-clients': { status: 503, message: 'Too many event streams', when: 'More than 16 open GET /v1/events streams.' },
} as const satisfies Record<string, ControlErrorEntry>;

export type ControlErrorCode = keyof typeof CONTROL_ERRORS;

/** A refusal the control server turns into an ActionResult with the entry's status. */
export class ControlError extends Error {
  readonly code: ControlErrorCode;
  /** For reload-refused: the component that refused and its reason (ActionResult error.refusal). */
  readonly refusal: ReloadRefusal | null;
  constructor(code: ControlErrorCode, detail?: string, refusal: ReloadRefusal | null = null) {
    super(detail === undefined ? CONTROL_ERRORS[code].message : `${CONTROL_ERRORS[code].message}: ${detail}`);
    this.code = code;
    this.refusal = refusal;
  }
  get status(): number {
    return CONTROL_ERRORS[this.code].status;
  }
}
