// Listener users: the names and passwords of the mounts with `auth: htpasswd` (gateway.mounts),
// kept in each mount's htpasswd file (contracts/htpasswd.ts) and managed over the control API
// (docs/api.md#listener-users) by the dashboard's Users pane and scripts; `icegate passwd` edits
// the same files offline. The gateway follows the file: a change applies to the next request,
// without a restart; a player already connected keeps playing until it reconnects.
//
//   GET    /v1/listener-users                   → ListenerUsersPage (names only, never a hash)
//   POST   /v1/listener-users                   body ListenerUserRequest → 201 ListenerUserResult
//                                                 (added) or 200 (password changed); 400
//                                                 "bad-request", "bad-user-name", "bad-password";
//                                                 404 "unknown-mount"; 409 "mount-not-htpasswd",
//                                                 "htpasswd-invalid"
//   DELETE /v1/listener-users/{mount}/{name}    (both URL-encoded) → 200 ListenerUserResult;
//                                                 404 "unknown-user", "unknown-mount"; 409 as POST
//
// Every POST and DELETE is audit-logged (listener-user-set, listener-user-delete) with the mount
// as target and the name quoted as JSON; the password is never logged, stored only as its bcrypt
// hash, and never sent back.

/** bcrypt reads at most this many bytes of a password (UTF-8); longer ones are refused. */
export const LISTENER_PASSWORD_MAX_BYTES = 72;

export interface ListenerUserRequest {
  mount: string;
  /** 1–255 characters, no ":", no control characters, no leading "#" or space (as `icegate passwd`). */
  name: string;
  /** 1 to LISTENER_PASSWORD_MAX_BYTES bytes of UTF-8. */
  password: string;
}

export interface ListenerUserView {
  name: string;
}

/** One htpasswd file and the mounts that use it (two mounts may share one file). */
export interface ListenerUsersFile {
  /** The file's absolute path (a relative gateway.mounts path is next to the configuration file). */
  file: string;
  /** The mounts with `auth: htpasswd` that name this file, sorted. */
  mounts: string[];
  /** Sorted by name. */
  users: ListenerUserView[];
  /** Why the file cannot be read (missing: the first user added creates it; or where it does not parse); null when it was read. */
  problem: string | null;
}

export interface ListenerUsersPage {
  /** One entry per file, in the order of their first mount. */
  files: ListenerUsersFile[];
}

export interface ListenerUserResult {
  ok: true;
  /** What was done, for the operator: `listener "alice" added to /live.mp3 (…/listeners.htpasswd)`. */
  message: string;
  change: 'added' | 'changed' | 'deleted';
  mount: string;
  user: ListenerUserView;
  /** The file after the change. */
  file: ListenerUsersFile;
}
