// Every code of the relay's catalogue (stream/errors.ts), provoked on a real relay over a raw
// socket and compared with the catalogue's bytes (stream/responses.ts renderError, Date masked).
// One row per code: the relay's settings, the sources and listeners it needs, the request.
import test from 'ava';
import { FORWARD_KEY_LINE, SECRETS, testRelay } from '../helpers/relay.ts';
import { RawClient, SOURCE_AUTH, SOURCE_OK, masked, openStream, sourceHead, type StreamClient } from '../relay/ingest-kit.ts';
import { ADMIN, basic } from '../relay/admin-client.ts';
import { RELAY_ERRORS, type RelayErrorCode } from '../../stream/errors.ts';
import { renderError } from '../../stream/responses.ts';
import type { Route } from '../../relay/http-app.ts';

interface Row {
  readonly code: RelayErrorCode;
  /** The relay's settings (relay: in gateway.yaml); none: the defaults. */
  readonly relay?: Record<string, unknown>;
  /** Live sources before the request: mount → Content-Type. */
  readonly sources?: Readonly<Record<string, string>>;
  /** Listeners connected before the request. */
  readonly listeners?: readonly string[];
  readonly request: string;
  /** The detail the relay's own errors append (stream/errors.ts detailSeparator). */
  readonly detail?: string;
}

const put = (mount: string, lines: readonly string[]): string => sourceHead(`PUT ${mount} HTTP/1.1`, ['Host: 127.0.0.1', ...lines]);
const admin = (target: string): string => `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${basic(ADMIN)}\r\n\r\n`;
const getReq = (target: string): string => `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
const MP3 = { '/live.mp3': 'audio/mpeg' };
const SHOUTCAST_ON = { shoutcast: { enabled: true, mount: '/stream' } };

/** A route of another module that fails: the relay's catch-all must answer for it. */
const failingRoute: Route = (_ctx, r) => {
  if (r.path !== '/fails') return false;
  throw new Error('a route failed');
};

const rows: Row[] = [
  { code: 'RELAY_SOURCE_AUTH', request: put('/m.mp3', ['Content-Type: audio/mpeg']) },
  // From another host (an address the trusted loopback proxy vouches for): a source from the
  // live source's own host would take the mount over instead.
  { code: 'RELAY_MOUNT_IN_USE', sources: MP3, request: put('/live.mp3', [`Authorization: ${SOURCE_AUTH}`, 'Content-Type: audio/mpeg', 'X-Forwarded-For: 198.51.100.7', FORWARD_KEY_LINE]) },
  { code: 'RELAY_TOO_MANY_SOURCES', relay: { limits: { sources: 1 } }, sources: MP3, request: put('/second.mp3', [`Authorization: ${SOURCE_AUTH}`, 'Content-Type: audio/mpeg']) },
  { code: 'RELAY_NO_CONTENT_TYPE', request: put('/m.mp3', [`Authorization: ${SOURCE_AUTH}`]) },
  { code: 'RELAY_MOUNT_RESERVED', request: put('/status-json.xsl', [`Authorization: ${SOURCE_AUTH}`, 'Content-Type: audio/mpeg']) },
  { code: 'RELAY_NOT_FOUND', request: getReq('/nothing.mp3') },
  { code: 'RELAY_MAX_LISTENERS', relay: { mounts: { '/live.mp3': { maxListeners: 1 } } }, sources: MP3, listeners: ['/live.mp3'], request: getReq('/live.mp3') },
  { code: 'RELAY_CONNECTION_LIMIT', relay: { limits: { clients: 1 } }, sources: MP3, listeners: ['/live.mp3'], request: getReq('/live.mp3') },
  { code: 'RELAY_UNKNOWN_REQUEST', request: 'DELETE /m.mp3 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' },
  { code: 'RELAY_ADMIN_AUTH', request: getReq('/admin/stats') },
  { code: 'RELAY_UNRECOGNISED_COMMAND', request: admin('/admin/frobnicate') },
  { code: 'RELAY_MOUNT_REQUEST_UNKNOWN', sources: MP3, request: admin('/admin/listmounts?mount=/live.mp3') },
  { code: 'RELAY_MISSING_PARAMETER', request: admin('/admin/listclients') },
  { code: 'RELAY_SOURCE_DOES_NOT_EXIST', request: admin('/admin/listclients?mount=/nope.mp3') },
  { code: 'RELAY_SOURCE_NOT_AVAILABLE', relay: { mounts: { '/idle.mp3': {} } }, request: admin('/admin/listclients?mount=/idle.mp3') },
  { code: 'RELAY_NO_SUCH_DESTINATION', sources: MP3, request: admin('/admin/moveclients?mount=/live.mp3&destination=/nope.mp3') },
  { code: 'RELAY_SAME_DESTINATION', sources: MP3, request: admin('/admin/moveclients?mount=/live.mp3&destination=/live.mp3') },
  { code: 'RELAY_DESTINATION_NOT_RUNNING', relay: { mounts: { '/idle.mp3': {} } }, sources: MP3, request: admin('/admin/moveclients?mount=/live.mp3&destination=/idle.mp3') },
  { code: 'RELAY_INCOMPATIBLE_DESTINATION', sources: { ...MP3, '/video.webm': 'audio/webm' }, request: admin('/admin/moveclients?mount=/live.mp3&destination=/video.webm') },
  { code: 'RELAY_MISSING_PASS', request: getReq('/admin.cgi?mode=updinfo&song=x') },
  { code: 'RELAY_ILLEGAL_METADATA_CALL', sources: { '/stream': 'audio/mpeg' }, request: getReq(`/admin.cgi?mode=updinfo&pass=${SECRETS.sourcePassword}&song=x`) },
  { code: 'RELAY_NO_SUCH_ACTION', relay: SHOUTCAST_ON, sources: { '/stream': 'audio/mpeg' }, request: getReq(`/admin.cgi?mode=frobnicate&pass=${SECRETS.sourcePassword}&song=x`) },
  { code: 'RELAY_NO_URL_UPDATES', relay: SHOUTCAST_ON, sources: { '/stream': 'audio/webm' }, request: getReq(`/admin.cgi?mode=updinfo&pass=${SECRETS.sourcePassword}&song=x`) },
  { code: 'RELAY_BAD_REQUEST', request: 'PUT /m.mp3\r\n\r\n' },
  { code: 'RELAY_BAD_SILENCE_REPORT', sources: MP3, request: admin('/admin/metadata?mount=/live.mp3&mode=silence&silent=maybe'), detail: 'silent= must be given once, as 1 or 0' },
  // headerTimeout is whole seconds (at least 1): the relay's own timer, waited for by the close.
  { code: 'RELAY_HEADER_TIMEOUT', relay: { limits: { headerTimeout: 1 } }, request: 'PUT /m.mp3 HTTP/1.1\r\nHost: 127.0.0.1\r\n' },
  { code: 'RELAY_REQUEST_TOO_LARGE', request: `GET /m.mp3 HTTP/1.1\r\nX-Filler: ${'a'.repeat(5000)}\r\n\r\n` },
  { code: 'RELAY_INTERNAL', request: getReq('/fails') },
];

async function openSourceAs(port: number, mount: string, contentType: string): Promise<RawClient> {
  const source = new RawClient(port, put(mount, [`Authorization: ${SOURCE_AUTH}`, `Content-Type: ${contentType}`]));
  const reply = await source.waitFor((b) => b.length >= SOURCE_OK.length, `the 200 for ${mount}`);
  if (reply.toString('latin1') !== SOURCE_OK) throw new Error(`source on ${mount} refused: ${reply.toString('latin1')}`);
  return source;
}

test('the table provokes every relay code once', (t) => {
  t.deepEqual(rows.map((r) => r.code).sort(), Object.keys(RELAY_ERRORS).sort());
});

for (const row of rows) {
  test(`${row.code}: ${RELAY_ERRORS[row.code].status} ${JSON.stringify(RELAY_ERRORS[row.code].message.trim())}`, async (t) => {
    const relay = await testRelay(row.relay ?? {}, { shoutcastPort: 0, routes: [failingRoute] });
    const open: RawClient[] = [];
    try {
      for (const [mount, type] of Object.entries(row.sources ?? {})) open.push(await openSourceAs(relay.port(), mount, type));
      for (const mount of row.listeners ?? []) open.push((await openStream(relay.port(), mount)) as StreamClient);
      const client = new RawClient(relay.port(), row.request);
      const reply = await client.untilClosed();
      t.is(masked(reply), masked(renderError(row.code, row.detail === undefined ? {} : { detail: row.detail })), row.code);
    } finally {
      for (const c of open) c.socket.destroy();
      await relay.close();
    }
  });
}
