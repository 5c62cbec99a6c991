// The gateway in front of a real, unchanged Icecast 2.4 (the Debian package icecast2): an ffmpeg
// source over TLS through the source port goes live on icecast2, listeners on the plain and TLS
// listener ports decode what the edge pulls from it, a title sent through the source port and the
// admin API through the admin port work with icecast2's own credentials, playlists and
// status-json.xsl are forwarded — and every request the gateway refuses never reaches icecast2,
// proved with icecast2's own access log.
import test from 'ava';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GW_ERRORS, type GatewayErrorCode } from '../../policies/errors.ts';
import type { GatewayPorts } from '../../gateway/start.ts';
import { decode, stopProcess } from '../helpers/ffmpeg.ts';
import { ICECAST2, ICECAST2_PASSWORDS, startIcecast2, type RunningIcecast2 } from '../helpers/icecast2.ts';
import { startTlsSource } from '../helpers/tls-source.ts';
import { StreamClient } from './edge-harness.ts';
import { countingProxy, exchange, Shared, testGateway, type TestGateway } from './server-harness.ts';

const MOUNT = '/live.mp3';
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const SOURCE_AUTH = basic('source', ICECAST2_PASSWORDS.source);
const ADMIN_AUTH = basic('admin', ICECAST2_PASSWORDS.admin);

interface IcecastSource {
  title?: string;
  listenurl?: string;
  server_name?: string;
}

/** icecast2's own status-json.xsl, asked directly: its mounts (one is an object, several an array). */
async function icecastSources(port: number): Promise<IcecastSource[]> {
  const r = await exchange(port, 'GET /status-json.xsl HTTP/1.0\r\n\r\n');
  const source = (JSON.parse(r.body) as { icestats: { source?: IcecastSource | IcecastSource[] } }).icestats.source;
  return source === undefined ? [] : Array.isArray(source) ? source : [source];
}

/** Polls an asynchronous condition (icecast2 is asked over HTTP) until it holds or time runs out. */
async function eventually(predicate: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function get(path: string, headers: string[] = []): string {
  return [`GET ${path} HTTP/1.1`, 'Host: radio.example', 'Connection: close', ...headers, '', ''].join('\r\n');
}

if (!ICECAST2) {
  test.skip('gateway in front of icecast2 — skipped: install the Debian package icecast2', () => {});
} else {
  const shared = new Shared();
  let ice: RunningIcecast2;
  let gw: TestGateway['gw'];
  let ports: GatewayPorts;

  test.before(async () => {
    ice = await startIcecast2();
    shared.teardown(() => ice.stop());
    ({ gw } = await testGateway(shared, ice.port));
    ports = gw.ports();
    const source = startTlsSource({ port: ports.source, mount: MOUNT, password: ICECAST2_PASSWORDS.source, noise: true });
    shared.teardown(() => stopProcess(source));
    try {
      await eventually(async () => (await icecastSources(ice.port)).some((s) => s.listenurl?.endsWith(MOUNT)), 20000, 'the TLS source on icecast2');
    } catch (err) {
      throw new Error(`${(err as Error).message}; ffmpeg: ${source.errors().trim()}; icecast2: ${(await ice.errorLog()).slice(-1500)}`);
    }
  });
  test.after.always(() => shared.run());

  for (const secure of [false, true]) {
    test(`a listener on the ${secure ? 'TLS' : 'plain'} listener port decodes the mount the edge pulls from icecast2`, async (t) => {
      const listener = new StreamClient(secure ? ports.listenerTls : ports.listener, MOUNT, { secure });
      t.teardown(() => listener.socket.destroy());
      t.regex(await listener.head(), /^HTTP\/1\.[01] 200 /);
      const decoded = await decode(await listener.bodyOf(48 * 1024), 'mp3');
      t.true(decoded.ok, decoded.errors);
      t.true(decoded.seconds > 2, `decoded ${decoded.seconds} s`);
    });
  }

  test('a title sent through the source port reaches icecast2', async (t) => {
    const update = await exchange(ports.source, get(`/admin/metadata?mount=${MOUNT}&mode=updinfo&song=Hello%20Gateway`, [`Authorization: ${SOURCE_AUTH}`]), true);
    t.is(update.status, 200, update.body);
    await eventually(async () => (await icecastSources(ice.port)).some((s) => s.title === 'Hello Gateway'), 10000, 'the title on icecast2');
    const wrong = await exchange(ports.source, get(`/admin/metadata?mount=${MOUNT}&mode=updinfo&song=Nope`, [`Authorization: ${basic('source', 'wrong')}`]), true);
    t.is(wrong.status, 401);
    t.false((await icecastSources(ice.port)).some((s) => s.title === 'Nope'));
  });

  test('the admin API on the admin port works with icecast2 admin credentials, and only with them', async (t) => {
    const mounts = await exchange(ports.admin, get('/admin/listmounts', [`Authorization: ${ADMIN_AUTH}`]), true);
    t.is(mounts.status, 200);
    t.regex(mounts.body, new RegExp(`mount="${MOUNT.replace('.', '\\.')}"`));
    const stats = await exchange(ports.admin, get('/admin/stats', [`Authorization: ${ADMIN_AUTH}`]), true);
    t.is(stats.status, 200);
    t.regex(stats.body, /<icestats>/);
    t.is((await exchange(ports.admin, get('/admin/stats', [`Authorization: ${basic('admin', 'wrong')}`]), true)).status, 401);
    t.is((await exchange(ports.admin, get('/admin/stats'), true)).status, 401);
  });

  test('status-json.xsl and playlists are forwarded from icecast2 on the listener ports', async (t) => {
    for (const [port, secure] of [[ports.listener, false], [ports.listenerTls, true]] as const) {
      const status = await exchange(port, get('/status-json.xsl'), secure);
      t.is(status.status, 200);
      const icestats = (JSON.parse(status.body) as { icestats: { admin: string; source: IcecastSource | IcecastSource[] } }).icestats;
      t.is(icestats.admin, 'test@localhost', 'the answer is icecast2’s');
      t.true([icestats.source].flat().some((s) => s.listenurl?.endsWith(MOUNT)));
      for (const playlist of ['.m3u', '.xspf']) {
        const direct = await exchange(ice.port, get(`${MOUNT}${playlist}`));
        const through = await exchange(port, get(`${MOUNT}${playlist}`), secure);
        t.is(direct.status, 200, `icecast2 itself serves ${playlist}`);
        t.is(through.status, 200, playlist);
        t.true(through.body.includes(MOUNT), `${playlist}: ${through.body.slice(0, 200)}`);
      }
    }
  });

  type Port = 'listener' | 'listenerTls' | 'source' | 'admin';
  type Row = readonly [port: Port, request: string, code: GatewayErrorCode];
  const put = (path: string): string => `PUT ${path} HTTP/1.1\r\nHost: h\r\nAuthorization: ${SOURCE_AUTH}\r\nContent-Type: audio/mpeg\r\n\r\n`;
  const source = (path: string): string => `SOURCE ${path} HTTP/1.0\r\nAuthorization: ${SOURCE_AUTH}\r\nContent-Type: audio/mpeg\r\n\r\n`;
  const withAdmin = (path: string, method = 'GET'): string => `${method} ${path} HTTP/1.1\r\nHost: h\r\nAuthorization: ${ADMIN_AUTH}\r\nConnection: close\r\n\r\n`;
  // docs/gateway-security.md#path-canonicalisation: icecast2 decodes once, so /%61dmin/ and /admin%2f are its admin
  // interface; docs/icecast-compatibility.md#admin-authentication: source credentials are admin credentials for their mount on icecast2.
  const listenerRows = (port: Port): Row[] => [
    [port, put(MOUNT), 'GW_METHOD_NOT_ALLOWED'],
    [port, source(MOUNT), 'GW_METHOD_NOT_ALLOWED'],
    [port, put('/other.mp3'), 'GW_METHOD_NOT_ALLOWED'],
    [port, withAdmin('/admin/stats'), 'GW_WRONG_PORT'],
    [port, withAdmin('/%61dmin/stats'), 'GW_WRONG_PORT'],
    [port, withAdmin('/%61DMIN/stats'), 'GW_WRONG_PORT'],
    [port, withAdmin('/ADMIN/stats'), 'GW_WRONG_PORT'],
    [port, withAdmin('/admin%2fstats'), 'GW_BAD_TARGET'],
    [port, withAdmin('/admin%2Fstats'), 'GW_BAD_TARGET'],
    [port, withAdmin('//admin/stats'), 'GW_BAD_TARGET'],
    [port, withAdmin('/./admin/stats'), 'GW_BAD_TARGET'],
    [port, withAdmin('/%2e%2e/admin/stats'), 'GW_BAD_TARGET'],
    [port, withAdmin('/live.mp3/../admin/stats'), 'GW_BAD_TARGET'],
    [port, withAdmin('/%5cadmin/stats'), 'GW_BAD_TARGET'],
    [port, withAdmin('http://127.0.0.1/admin/stats'), 'GW_BAD_TARGET'],
    [port, withAdmin(`/admin/metadata?mount=${MOUNT}&mode=updinfo&song=Owned`), 'GW_WRONG_PORT'],
    [port, withAdmin(`/admin/killsource?mount=${MOUNT}`), 'GW_WRONG_PORT'],
    [port, withAdmin(`/admin/listclients?mount=${MOUNT}`), 'GW_WRONG_PORT'],
    [port, withAdmin('/admin.cgi?pass=x&mode=updinfo&song=Owned'), 'GW_WRONG_PORT'],
    [port, withAdmin('/status.xsl'), 'GW_WRONG_PORT'],
    [port, withAdmin('/server_version.xsl'), 'GW_WRONG_PORT'],
    [port, withAdmin('/admin/stats', 'POST'), 'GW_METHOD_NOT_ALLOWED'],
    [port, withAdmin(MOUNT, 'STATS'), 'GW_METHOD_NOT_ALLOWED'],
    [port, withAdmin(MOUNT, 'get'), 'GW_METHOD_NOT_ALLOWED'],
  ];
  const rows: Row[] = [
    ...listenerRows('listener'),
    ...listenerRows('listenerTls'),
    ['source', withAdmin(MOUNT), 'GW_WRONG_PORT'],
    ['source', withAdmin('/status-json.xsl'), 'GW_WRONG_PORT'],
    ['source', withAdmin('/admin/stats'), 'GW_WRONG_PORT'],
    ['source', withAdmin(`/admin/killsource?mount=${MOUNT}`), 'GW_WRONG_PORT'],
    ['source', withAdmin(`/admin/listclients?mount=${MOUNT}`), 'GW_WRONG_PORT'],
    ['source', withAdmin('/admin/metadata?mode=updinfo&song=Owned'), 'GW_BAD_TARGET'],
    ['source', put('/admin/stats'), 'GW_WRONG_PORT'],
    ['source', put('/%61dmin/stats'), 'GW_WRONG_PORT'],
    ['source', put('/admin%2fstats'), 'GW_BAD_TARGET'],
    ['source', put('/live.mp3.m3u'), 'GW_WRONG_PORT'],
    ['source', put('/status-json.xsl'), 'GW_WRONG_PORT'],
    ['source', put('/'), 'GW_WRONG_PORT'],
    ['source', source('/admin/metadata'), 'GW_WRONG_PORT'],
    ['admin', withAdmin(MOUNT), 'GW_WRONG_PORT'],
    ['admin', put(MOUNT), 'GW_METHOD_NOT_ALLOWED'],
    ['admin', withAdmin('/status.xsl'), 'GW_WRONG_PORT'],
    ['admin', withAdmin('/admin/stats', 'POST'), 'GW_METHOD_NOT_ALLOWED'],
  ];

  test('refused requests never reach icecast2: its access log holds only what the gateway forwarded', async (t) => {
    // A fresh icecast2 behind a counting proxy, with nothing else talking to it.
    const quiet = await startIcecast2();
    t.teardown(() => quiet.stop());
    const proxy = await countingProxy(t, quiet.port);
    const { gw: gate } = await testGateway(t, proxy.port);
    const p = gate.ports();
    const portOf: Record<Port, [number, boolean]> = { listener: [p.listener, false], listenerTls: [p.listenerTls, true], source: [p.source, true], admin: [p.admin, true] };
    for (const [port, request, code] of rows) {
      const what = `${port}: ${request.split('\r\n')[0]}`;
      const answer = await exchange(portOf[port][0], request, portOf[port][1]);
      t.is(answer.status, GW_ERRORS[code].status, what);
      t.true(answer.body.includes(code), `${what}: ${answer.body.slice(0, 120)}`);
    }
    t.is(proxy.connections(), 0, 'no refused request opened a connection to icecast2');

    // The control: a request the gateway forwards shows up in the same log, so the log is written.
    const control = await exchange(p.listener, get('/status-json.xsl'));
    t.is(control.status, 200);
    const accessLog = join(quiet.dir, 'access.log');
    const lines = async (): Promise<string[]> => (await readFile(accessLog, 'utf8').catch(() => '')).split('\n').filter((l) => l.trim() !== '');
    await eventually(async () => (await lines()).some((l) => l.includes('GET /status-json.xsl')), 10000, 'the control request in icecast2’s access log');
    t.deepEqual(
      (await lines()).filter((l) => !l.includes('"GET /status-json.xsl ')),
      [],
      'icecast2 logged nothing but the control request',
    );
    t.is(proxy.connections(), 1);
  });
}
