// The relay's error catalogue: one stable code per refusal, with Icecast 2.4.4's status and body
// text (docs/icecast-compatibility.md#error-replies). Tools such as sdrtrunk match these
// strings, so the Icecast messages are copied byte for byte, lower-case quirks included.
// responses.ts turns an entry into bytes.

export interface RelayErrorEntry {
  readonly status: number;
  /** Body text. 'plain' bodies are sent as is; 'html' ones inside Icecast's error page. */
  readonly message: string;
  readonly body: 'plain' | 'html';
  /** 401s carry a Basic challenge; the source one also advertises PUT (docs/icecast-compatibility.md#source-clients). */
  readonly challenge?: 'basic' | 'source';
  /** Set on the relay's own errors, which may carry a detail: body = message + separator + detail. */
  readonly detailSeparator?: string;
  /** When the relay sends it; docs/errors.md is generated from these (npm run docs:errors). */
  readonly when: string;
}

const AUTH_BODY = 'You need to authenticate\r\n';

export const RELAY_ERRORS = {
  // Source side (docs/icecast-compatibility.md#source-authentication-and-check-order).
  RELAY_SOURCE_AUTH: { status: 401, message: AUTH_BODY, body: 'plain', challenge: 'source', when: 'A source sent no or wrong credentials (libshout first asks without any).' },
  RELAY_MOUNT_IN_USE: { status: 403, message: 'Mountpoint in use', body: 'plain', when: 'The mount already has a live source.' },
  RELAY_TOO_MANY_SOURCES: { status: 403, message: 'too many sources connected', body: 'plain', when: 'The source limit is reached.' },
  RELAY_NO_CONTENT_TYPE: { status: 403, message: 'No Content-type given', body: 'plain', when: 'A PUT source sent no Content-Type.' },
  RELAY_MOUNT_RESERVED: { status: 403, message: 'Mountpoint name is reserved', body: 'plain', when: 'A source tried a path the relay serves itself (/admin, /api, *.xsl, playlists, /metrics, /hls).' },
  // Listener side (docs/icecast-compatibility.md#error-replies).
  RELAY_NOT_FOUND: { status: 404, message: 'The file you requested could not be found', body: 'html', when: 'No live mount, fallback or file matches the path.' },
  RELAY_MAX_LISTENERS: { status: 403, message: 'max listeners reached', body: 'plain', when: 'The mount is at maxListeners and has no fallbackWhenFull.' },
  RELAY_CONNECTION_LIMIT: { status: 403, message: 'Icecast connection limit reached', body: 'plain', when: 'The server-wide client limit is reached.' },
  RELAY_UNKNOWN_REQUEST: { status: 400, message: 'unknown request', body: 'html', when: 'A method the relay does not serve (e.g. POST).' },
  // Admin (docs/icecast-compatibility.md#admin-authentication and #title-updates).
  RELAY_ADMIN_AUTH: { status: 401, message: AUTH_BODY, body: 'plain', challenge: 'basic', when: 'An admin request without valid admin (or mount source) credentials.' },
  RELAY_UNRECOGNISED_COMMAND: { status: 400, message: 'Unrecognised command', body: 'html', when: 'An unknown /admin/ command.' },
  RELAY_MOUNT_REQUEST_UNKNOWN: { status: 400, message: 'Mount request unknown', body: 'html', when: 'A general admin command was sent with a mount parameter.' },
  RELAY_MISSING_PARAMETER: { status: 400, message: 'Missing parameter', body: 'html', when: 'An admin command lacks a required parameter.' },
  RELAY_SOURCE_DOES_NOT_EXIST: { status: 400, message: 'Source does not exist', body: 'html', when: 'An admin command names an unknown mount.' },
  RELAY_SOURCE_NOT_AVAILABLE: { status: 400, message: 'Source is not available', body: 'html', when: 'An admin command names a mount with no live source.' },
  RELAY_NO_SUCH_DESTINATION: { status: 400, message: 'No such destination', body: 'html', when: 'moveclients names an unknown destination.' },
  RELAY_SAME_DESTINATION: { status: 400, message: 'supplied mountpoints are identical', body: 'html', when: 'moveclients names the same mount twice.' },
  RELAY_DESTINATION_NOT_RUNNING: { status: 400, message: 'Destination not running', body: 'html', when: 'moveclients names a destination with no source.' },
  RELAY_MISSING_PASS: { status: 400, message: 'missing pass parameter', body: 'html', when: '/admin.cgi without pass=.' },
  RELAY_ILLEGAL_METADATA_CALL: { status: 400, message: 'illegal metadata call', body: 'html', when: '/admin.cgi for a mount whose source is not a SHOUTcast source.' },
  // The relay's own protocol errors; Icecast closes such connections without a word.
  RELAY_BAD_REQUEST: { status: 400, message: 'Bad request', body: 'plain', detailSeparator: ': ', when: 'A malformed request head or ambiguous body framing.' },
  RELAY_HEADER_TIMEOUT: { status: 408, message: 'Request header timeout', body: 'plain', when: 'The request head did not arrive within headerTimeout.' },
  RELAY_REQUEST_TOO_LARGE: { status: 431, message: 'Request header too large', body: 'plain', detailSeparator: ': ', when: 'The request head exceeds 4095 bytes or 32 lines.' },
  RELAY_INTERNAL: { status: 500, message: '500 - Internal Server Error\n---------------------------\n', body: 'plain', detailSeparator: '', when: 'An unexpected failure inside the relay.' },
  // Admin, continued (Icecast 2.4.4 src/admin.c command_shoutcast_metadata; the last is the relay's own).
  RELAY_NO_SUCH_ACTION: { status: 400, message: 'No such action', body: 'html', when: '/admin.cgi with a mode other than updinfo.' },
  RELAY_NO_URL_UPDATES: { status: 400, message: 'mountpoint will not accept URL updates', body: 'html', when: '/admin.cgi for an Ogg or WebM mount, which carries no ICY titles.' },
  RELAY_INCOMPATIBLE_DESTINATION: { status: 400, message: 'Destination has a different format', body: 'html', when: 'moveclients names a destination whose codec the listeners\' players cannot switch to.' },
  RELAY_BAD_SILENCE_REPORT: { status: 400, message: 'Bad silence report', body: 'plain', detailSeparator: ': ', when: 'An /admin/metadata?mode=silence report whose silent= or for= is malformed (docs/push.md#silence-on-the-server).' },
} as const satisfies Record<string, RelayErrorEntry>;

export type RelayErrorCode = keyof typeof RELAY_ERRORS;

export const RELAY_ERROR_CODES = Object.keys(RELAY_ERRORS) as RelayErrorCode[];

export function isRelayErrorCode(code: string): code is RelayErrorCode {
  return Object.hasOwn(RELAY_ERRORS, code);
}
