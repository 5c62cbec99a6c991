// The admin API against live ffmpeg sources: what each read-only command answers, who may call
// what, and bad input that must be refused and change nothing. One relay and its sources are
// shared: nothing here moves, kills or retitles anything another test looks at.
import test from 'ava';
import type { ChildProcess } from 'node:child_process';
import { testRelay, until, SECRETS } from '../helpers/relay.ts';
import type { RunningRelay } from '../../relay/start.ts';
import type { RelayEvents } from '../../stream/context.ts';
import { ADMIN, RELAY, SOURCE, get, receivesMore, startSources, stopAll, tap, type Credentials, type Tap } from './admin-client.ts';

let relay: RunningRelay;
let port: number;
let sources: ChildProcess[] = [];
let listener: Tap;
const failures: RelayEvents['auth-failure'][0][] = [];

test.before(async () => {
  relay = await testRelay({
    mounts: { '/h.mp3': { hidden: true }, '/idle.mp3': {}, '/own.mp3': { username: 'own', password: 'own-password' } },
    // SHOUTcast compatibility stays off: /admin.cgi must be refused.
    shoutcast: { mount: '/a.mp3' },
  });
  port = relay.port();
  relay.ctx.events.on('auth-failure', (e) => failures.push(e));
  sources = await startSources(relay, [
    { mount: '/a.mp3', codec: 'mp3' },
    { mount: '/b.mp3', codec: 'mp3' },
    { mount: '/o.ogg', codec: 'opus' },
    { mount: '/h.mp3', codec: 'mp3' },
  ]);
  listener = tap(port, '/a.mp3');
  await until(() => relay.ctx.registry.get('/a.mp3')!.listeners.size === 1, 15000, 'the listener');
});

test.after.always(async () => {
  listener?.socket.destroy();
  await stopAll(sources);
  await relay?.close();
});

const theListener = () => [...relay.ctx.registry.get('/a.mp3')!.listeners][0]!;

test('stats: every live source, hidden ones included, as text/xml with its length', async (t) => {
  const r = await get(port, '/admin/stats', ADMIN);
  t.is(r.status, 200);
  t.is(r.headers.get('content-type')?.[0], 'text/xml; charset=utf-8');
  t.is(Number(r.headers.get('content-length')?.[0]), Buffer.byteLength(r.body));
  t.true(r.body.startsWith('<?xml version="1.0"?>\n<icestats><admin>icemaster@localhost</admin>'));
  t.deepEqual([...r.body.matchAll(/<source mount="([^"]+)">/g)].map((m) => m[1]), ['/a.mp3', '/b.mp3', '/h.mp3', '/o.ogg']);
  t.regex(r.body, /<sources>4<\/sources>/);
  t.regex(r.body, /<source mount="\/a\.mp3">.*?<listeners>1<\/listeners><listenurl>http:\/\/radio\.example:8000\/a\.mp3<\/listenurl>/);
  t.regex(r.body, /<source mount="\/o\.ogg">.*?<server_type>audio\/ogg<\/server_type>.*?<subtype>Opus<\/subtype>/);
  t.regex(r.body, /<server_name>Test Radio<\/server_name>/);
});

test('stats with mount=: that source only', async (t) => {
  const r = await get(port, '/admin/stats?mount=/b.mp3', ADMIN);
  t.is(r.status, 200);
  t.deepEqual([...r.body.matchAll(/<source mount="([^"]+)">/g)].map((m) => m[1]), ['/b.mp3']);
});

for (const command of ['listmounts', 'streamlist', 'listmounts.xsl']) {
  test(`${command}: fallback, listeners, Connected and content-type of each live source`, async (t) => {
    const r = await get(port, `/admin/${command}`, ADMIN);
    t.is(r.status, 200);
    t.is(r.headers.get('content-type')?.[0], 'text/xml; charset=utf-8');
    const entries = [...r.body.matchAll(/<source mount="([^"]+)"><fallback><\/fallback><listeners>(\d+)<\/listeners><Connected>\d+<\/Connected><content-type>([^<]+)<\/content-type><\/source>/g)];
    t.deepEqual(
      entries.map((m) => [m[1], m[2], m[3]]),
      [
        ['/a.mp3', '1', 'audio/mpeg'],
        ['/b.mp3', '0', 'audio/mpeg'],
        ['/h.mp3', '0', 'audio/mpeg'],
        ['/o.ogg', '0', 'audio/ogg'],
      ],
    );
  });
}

test('streamlist.txt: the public live mounts, one per CRLF line, for the relay user', async (t) => {
  const r = await get(port, '/admin/streamlist.txt', RELAY);
  t.is(r.status, 200);
  t.is(r.headers.get('content-type')?.[0], 'text/plain; charset=utf-8');
  t.is(r.body, '/a.mp3\r\n/b.mp3\r\n/o.ogg\r\n');
});

test('listclients: the connected listener with its IP, user agent, time and ID', async (t) => {
  const r = await get(port, '/admin/listclients?mount=/a.mp3', ADMIN);
  t.is(r.status, 200);
  t.regex(
    r.body,
    new RegExp(
      `^<\\?xml version="1.0"\\?>\\n<icestats><source mount="/a.mp3"><Listeners>1</Listeners><listener><IP>127.0.0.1</IP>` +
        `<UserAgent>icegate-test/1.0</UserAgent><Connected>\\d+</Connected><ID>${theListener().id}</ID></listener></source></icestats>\\n$`,
    ),
  );
});

test('moveclients without destination: where the listeners could go', async (t) => {
  const r = await get(port, '/admin/moveclients?mount=/a.mp3', ADMIN);
  t.is(r.status, 200);
  t.true(r.body.startsWith('<?xml version="1.0"?>\n<icestats><current_source>/a.mp3</current_source><source mount="/b.mp3">'));
  t.false(r.body.includes('<source mount="/a.mp3">'));
});

test('updatemetadata names the mount', async (t) => {
  const r = await get(port, '/admin/updatemetadata?mount=/b.mp3', ADMIN);
  t.is(r.body, '<?xml version="1.0"?>\n<icestats><source mount="/b.mp3"/></icestats>\n');
});

const OWN: Credentials = ['own', 'own-password'];

const access = test.macro({
  async exec(t, path: string, auth: Credentials | undefined, status: number) {
    const r = await get(port, path, auth);
    t.is(r.status, status, r.body);
    if (status === 401) {
      t.is(r.body, 'You need to authenticate\r\n');
      t.is(r.headers.get('www-authenticate')?.[0], 'Basic realm="Icecast2 Server"');
    }
  },
  title: (title, path: string, _auth, status: number) => `${title}: ${path} → ${status}`,
});

test('no credentials', access, '/admin/stats', undefined, 401);
test('wrong admin password', access, '/admin/stats', ['admin', 'hackme-admin!'], 401);
test('admin user with the source password', access, '/admin/stats', ['admin', SECRETS.sourcePassword], 401);
test('admin credentials', access, '/admin/stats', ADMIN, 200);
test('source credentials cannot list listeners', access, '/admin/listclients?mount=/a.mp3', SOURCE, 401);
test('source credentials cannot read stats', access, '/admin/stats?mount=/a.mp3', SOURCE, 401);
test('source credentials cannot move listeners', access, '/admin/moveclients?mount=/a.mp3&destination=/h.mp3', SOURCE, 401);
test('source credentials cannot kill a source', access, '/admin/killsource?mount=/idle.mp3', SOURCE, 401);
test('source credentials cannot kill a listener', access, '/admin/killclient?mount=/a.mp3&id=1', SOURCE, 401);
test('source credentials update their mount\'s title', access, '/admin/metadata?mount=/h.mp3&mode=updinfo&song=by%20source', SOURCE, 200);
test('global source credentials on a mount with its own', access, '/admin/metadata?mount=/own.mp3&mode=updinfo&song=x', SOURCE, 401);
test('a mount\'s own source credentials pass (it has no source)', access, '/admin/metadata?mount=/own.mp3&mode=updinfo&song=x', OWN, 400);
test('relay credentials for streamlist.txt', access, '/admin/streamlist.txt', RELAY, 200);
test('admin credentials for streamlist.txt', access, '/admin/streamlist.txt', ADMIN, 200);
test('source credentials for streamlist.txt', access, '/admin/streamlist.txt', SOURCE, 401);
test('wrong relay password', access, '/admin/streamlist.txt', ['relay', 'hackme-admin'], 401);
test('relay credentials for anything else', access, '/admin/listmounts', RELAY, 401);
test('JSON API without credentials', access, '/api/v1/mounts', undefined, 401);
test('JSON API with source credentials', access, '/api/v1/mounts/a.mp3/listeners', SOURCE, 401);
test('an unknown command is refused before credentials are asked for', access, '/admin/frobnicate', undefined, 400);

test('a refused request is reported, a credential-less one as a probe', async (t) => {
  await get(port, '/admin/listclients?mount=/probe-1', undefined);
  await get(port, '/admin/listclients?mount=/probe-2', ['admin', 'guess']);
  await get(port, '/admin.cgi?mode=updinfo&pass=guess&song=x');
  t.deepEqual(failures.find((e) => e.mount === '/probe-1'), { channel: 'admin', ip: '127.0.0.1', mount: '/probe-1', probe: true });
  t.deepEqual(failures.find((e) => e.mount === '/probe-2'), { channel: 'admin', ip: '127.0.0.1', mount: '/probe-2', probe: false });
  t.deepEqual(failures.find((e) => e.mount === '/a.mp3'), { channel: 'admin', ip: '127.0.0.1', mount: '/a.mp3', probe: false });
});

const refused = test.macro({
  async exec(t, path: string, status: number, body: string) {
    const r = await get(port, path, ADMIN);
    t.is(r.status, status);
    t.true(r.body.includes(body), r.body);
  },
  title: (title, path: string, status: number) => `${title}: ${path} → ${status}`,
});

const html400 = (message: string) => `<html><head><title>Error 400</title></head><body><b>400 - ${message}</b></body></html>\r\n`;

test('mount command without mount', refused, '/admin/listclients', 400, html400('Missing parameter'));
test('unknown mount', refused, '/admin/listclients?mount=/nope.mp3', 400, html400('Source does not exist'));
test('empty mount', refused, '/admin/listclients?mount=', 400, html400('Source does not exist'));
test('mount without a source', refused, '/admin/listclients?mount=/idle.mp3', 400, html400('Source is not available'));
test('killsource without a source', refused, '/admin/killsource?mount=/idle.mp3', 400, html400('Source is not available'));
test('metadata without a source', refused, '/admin/metadata?mount=/idle.mp3&mode=updinfo&song=x', 400, html400('Source is not available'));
test('general command with a mount', refused, '/admin/listmounts?mount=/a.mp3', 400, html400('Mount request unknown'));
test('unknown command', refused, '/admin/frobnicate', 400, html400('Unrecognised command'));
test('bare /admin/', refused, '/admin/', 400, html400('Unrecognised command'));
test('a command below a command', refused, '/admin/stats/x', 400, html400('Unrecognised command'));
test('killclient without id', refused, '/admin/killclient?mount=/a.mp3', 400, html400('Missing parameter'));
test('killclient of nobody', refused, '/admin/killclient?mount=/a.mp3&id=999999', 200, '<message>Client 999999 not found</message><return>0</return>');
test('killclient with a bad id', refused, '/admin/killclient?mount=/a.mp3&id=x', 200, '<message>Client 0 not found</message><return>0</return>');
test('metadata without mode', refused, '/admin/metadata?mount=/b.mp3&song=x', 400, html400('Missing parameter'));
test('metadata with another mode', refused, '/admin/metadata?mount=/b.mp3&mode=frob&song=x', 200, '<message>No such action</message><return>0</return>');
test('metadata with nothing to set', refused, '/admin/metadata?mount=/b.mp3&mode=updinfo', 400, html400('Missing parameter'));
test('metadata with an artist but no title', refused, '/admin/metadata?mount=/b.mp3&mode=updinfo&artist=A', 400, html400('Missing parameter'));
test('fallbacks without fallback', refused, '/admin/fallbacks?mount=/a.mp3', 400, html400('Missing parameter'));
test('fallbacks to a non-mount', refused, '/admin/fallbacks?mount=/a.mp3&fallback=no-slash', 400, html400('Missing parameter'));
test('fallbacks to a name with CRLF', refused, '/admin/fallbacks?mount=/a.mp3&fallback=/x%0D%0Ay', 400, html400('Missing parameter'));
test('admin.cgi without pass', refused, '/admin.cgi?mode=updinfo&song=x', 400, html400('missing pass parameter'));
test('admin.cgi with SHOUTcast compatibility off', refused, `/admin.cgi?mode=updinfo&pass=${SECRETS.sourcePassword}&song=x`, 400, html400('illegal metadata call'));
test('JSON API, unknown mount', refused, '/api/v1/mounts/nope.mp3/listeners', 404, '{"error":{"code":"RELAY_NOT_FOUND","message":"No such mount: /nope.mp3"}}');

test('admin.cgi with a wrong pass is refused', async (t) => {
  const r = await get(port, '/admin.cgi?mode=updinfo&pass=guess&song=x');
  t.is(r.status, 401);
});

test('failed moves leave the listener where it was, still connected and receiving', async (t) => {
  const moves: Array<[string, string]> = [
    ['/nope.mp3', 'No such destination'],
    ['/a.mp3', 'supplied mountpoints are identical'],
    ['/idle.mp3', 'Destination not running'],
    ['/o.ogg', 'Destination has a different format'],
  ];
  const before = theListener();
  for (const [destination, message] of moves) {
    const r = await get(port, `/admin/moveclients?mount=/a.mp3&destination=${destination}`, ADMIN);
    t.is(r.status, 400);
    t.is(r.body, html400(message));
  }
  t.is(theListener(), before);
  t.is(before.feed?.name, '/a.mp3');
  t.is(relay.ctx.registry.get('/o.ogg')!.listeners.size, 0);
  t.false(listener.isClosed());
  await receivesMore(listener, 8192);
});

test('metadata for an Ogg mount: Icecast\'s answer, and the title stays', async (t) => {
  const r = await get(port, '/admin/metadata?mount=/o.ogg&mode=updinfo&song=ignored', ADMIN);
  t.is(r.status, 200);
  t.is(r.body, '<?xml version="1.0"?>\n<iceresponse><message>Mountpoint will not accept URL updates</message><return>1</return></iceresponse>\n');
  t.is(relay.ctx.registry.get('/o.ogg')!.title, '');
});

test('CR/LF and markup in a title reach neither headers nor XML unescaped', async (t) => {
  const r = await get(port, '/admin/metadata?mount=/b.mp3&mode=updinfo&song=Evil%0D%0AX-Injected:%201%20%3Cb%3E%26', ADMIN);
  t.is(r.status, 200);
  t.false(r.rawHead.toLowerCase().includes('x-injected'));
  t.is(relay.ctx.registry.get('/b.mp3')!.title, 'Evil  X-Injected: 1 <b>&');
  const stats = await get(port, '/admin/stats?mount=/b.mp3', ADMIN);
  t.true(stats.body.includes('<title>Evil  X-Injected: 1 &lt;b&gt;&amp;</title>'));
  t.false(stats.body.slice(0, -1).includes('\r'));
  t.is(stats.body.split('\n').length, 3);
  const json = await get(port, '/status-json.xsl');
  t.is(JSON.parse(json.body).icestats.source.find((s: { listenurl: string }) => s.listenurl.endsWith('/b.mp3')).title, 'Evil  X-Injected: 1 <b>&');
});
