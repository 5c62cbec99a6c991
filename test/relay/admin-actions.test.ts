// Admin actions against live ffmpeg sources and real listener sockets: moves keep the connection,
// kills close it, title updates reach players in the ICY stream. Each test has its own relay.
import test from 'ava';
import { testRelay, until, SECRETS } from '../helpers/relay.ts';
import { decode } from '../helpers/ffmpeg.ts';
import { parseHead } from '../helpers/listen.ts';
import { parseIcyStream } from '../../stream/icy.ts';
import type { RunningRelay, StartRelayOptions } from '../../relay/start.ts';
import { ADMIN, get, listenerIds, receivesMore, startSources, stopAll, tap, type SourceSpec, type Tap } from './admin-client.ts';

const ice = (message: string, ok: boolean) =>
  `<?xml version="1.0"?>\n<iceresponse><message>${message}</message><return>${ok ? 1 : 0}</return></iceresponse>\n`;

interface Stage {
  relay: RunningRelay;
  port: number;
  open(path: string, headers?: Record<string, string>): Tap;
}

/** A relay with live sources for one test; everything is stopped afterwards, whatever happened. */
async function withRelay(
  config: Record<string, unknown>,
  specs: SourceSpec[],
  body: (s: Stage) => Promise<void>,
  extra: Partial<StartRelayOptions> = {},
): Promise<void> {
  const relay = await testRelay(config, extra);
  const taps: Tap[] = [];
  const sources = await startSources(relay, specs).catch(async (err) => {
    await relay.close();
    throw err;
  });
  const port = relay.port();
  try {
    await body({
      relay,
      port,
      open: (path, headers) => {
        const t = tap(port, path, headers);
        taps.push(t);
        return t;
      },
    });
  } finally {
    for (const t of taps) t.socket.destroy();
    await stopAll(sources);
    await relay.close();
  }
}

test('moveclients: the listener keeps its connection and goes on receiving from the destination', async (t) => {
  await withRelay({}, [{ mount: '/m1.mp3', codec: 'mp3' }, { mount: '/m2.mp3', codec: 'mp3', frequency: 880 }], async ({ relay, port, open }) => {
    const l = open('/m1.mp3');
    await receivesMore(l, 16384);
    const [id] = listenerIds((await get(port, '/admin/listclients?mount=/m1.mp3', ADMIN)).body);
    const r = await get(port, '/admin/moveclients?mount=/m1.mp3&destination=/m2.mp3', ADMIN);
    t.is(r.status, 200);
    t.is(r.body, ice('Clients moved from /m1.mp3 to /m2.mp3', true));
    t.is(relay.ctx.registry.get('/m1.mp3')!.listeners.size, 0);
    t.is(relay.ctx.registry.get('/m2.mp3')!.listeners.size, 1);
    await receivesMore(l, 32768);
    t.false(l.isClosed());
    t.deepEqual(listenerIds((await get(port, '/admin/listclients?mount=/m2.mp3', ADMIN)).body), [id!]);
    const result = await decode(l.body(), 'mp3');
    t.true(result.ok, result.errors);
  });
});

test('killclient: that listener is disconnected, the others stay', async (t) => {
  await withRelay({}, [{ mount: '/k.mp3', codec: 'mp3' }], async ({ relay, port, open }) => {
    const victim = open('/k.mp3');
    const bystander = open('/k.mp3');
    await until(() => relay.ctx.registry.get('/k.mp3')!.listeners.size === 2);
    const ids = listenerIds((await get(port, '/admin/listclients?mount=/k.mp3', ADMIN)).body);
    t.is(ids.length, 2);
    const r = await get(port, `/admin/killclient?mount=/k.mp3&id=${ids[0]}`, ADMIN);
    t.is(r.body, ice(`Client ${ids[0]} removed`, true));
    await victim.closed;
    t.deepEqual(listenerIds((await get(port, '/admin/listclients?mount=/k.mp3', ADMIN)).body), [ids[1]!]);
    await receivesMore(bystander, 8192);
    t.false(bystander.isClosed());
  });
});

test('killsource: the source is dropped and, without a fallback, its listener is closed at once', async (t) => {
  await withRelay({ mounts: { '/ks.mp3': {} } }, [{ mount: '/ks.mp3', codec: 'mp3' }], async ({ relay, port, open }) => {
    const l = open('/ks.mp3');
    await receivesMore(l, 8192);
    const r = await get(port, '/admin/killsource?mount=/ks.mp3', ADMIN);
    t.is(r.status, 200);
    t.is(r.body, ice('Source Removed', true));
    await l.closed;
    t.false(relay.ctx.registry.get('/ks.mp3')!.live);
    const again = await get(port, '/admin/killsource?mount=/ks.mp3', ADMIN);
    t.is(again.status, 400);
    t.true(again.body.includes('400 - Source is not available'));
  });
});

test('metadata: a player asking for ICY titles receives each update, in UTF-8 or from Latin-1', async (t) => {
  await withRelay({ mounts: { '/t.mp3': { metadataInterval: 2048 } } }, [{ mount: '/t.mp3', codec: 'mp3' }], async ({ relay, port, open }) => {
    const l = open('/t.mp3', { 'Icy-MetaData': '1' });
    await until(() => l.head() !== null);
    const metaint = Number(parseHead(l.head()!).headers.get('icy-metaint')?.[0]);
    t.is(metaint, 2048);
    const titles = (): string[] => parseIcyStream(l.body(), metaint).titles;
    await until(() => titles().length > 0, 15000, 'the first metadata block');
    t.is(titles()[0], '');

    const r = await get(port, '/admin/metadata?mount=/t.mp3&mode=updinfo&artist=%C3%84rtist&title=T%C3%AFtle+%E2%99%AB', ADMIN);
    t.is(r.body, ice('Metadata update successful', true));
    t.is(Buffer.byteLength(r.body), 113);
    await until(() => titles().includes('Ärtist - Tïtle ♫'), 15000, 'the first title');

    await get(port, '/admin/metadata?mount=/t.mp3&mode=updinfo&song=%C9t%E9+%E0+Paris&charset=ISO-8859-1', ADMIN);
    await until(() => titles().includes('Été à Paris'), 15000, 'the Latin-1 title');
    t.is(relay.ctx.registry.get('/t.mp3')!.title, 'Été à Paris');
    const all = titles();
    t.true(all.indexOf('Ärtist - Tïtle ♫') < all.indexOf('Été à Paris'));
    const stats = await get(port, '/admin/stats?mount=/t.mp3', ADMIN);
    t.true(stats.body.includes('<title>Été à Paris</title>'));
  });
});

test('admin.cgi: the SHOUTcast title update with the source password', async (t) => {
  await withRelay(
    { shoutcast: { enabled: true, mount: '/sc.mp3' } },
    [{ mount: '/sc.mp3', codec: 'mp3' }],
    async ({ relay, port }) => {
      const r = await get(port, `/admin.cgi?mode=updinfo&pass=${SECRETS.sourcePassword}&song=Artist+-+Song`);
      t.is(r.status, 200);
      t.is(r.headers.get('content-type')?.[0], 'text/html; charset=utf-8');
      t.is(r.body, '<html><head><title>Admin request successful</title></head><body><p>Metadata update successful</p></body></html>');
      t.is(relay.ctx.registry.get('/sc.mp3')!.title, 'Artist - Song');

      const byAdmin = await get(port, '/admin.cgi?mode=updinfo&pass=x&song=By+admin', ADMIN);
      t.is(byAdmin.status, 200);
      t.is(relay.ctx.registry.get('/sc.mp3')!.title, 'By admin');

      const badMode = await get(port, `/admin.cgi?mode=frob&pass=${SECRETS.sourcePassword}&song=x`);
      t.is(badMode.status, 400);
      t.true(badMode.body.includes('400 - No such action'));
      const noSong = await get(port, `/admin.cgi?mode=updinfo&pass=${SECRETS.sourcePassword}`);
      t.is(noSong.status, 400);
      t.true(noSong.body.includes('400 - Missing parameter'));
      t.is(relay.ctx.registry.get('/sc.mp3')!.title, 'By admin');
    },
    { shoutcastPort: 0 },
  );
});

test('fallbacks: a runtime fallback takes the listeners when the source is killed', async (t) => {
  await withRelay({ mounts: { '/f.mp3': {} } }, [{ mount: '/f.mp3', codec: 'mp3' }, { mount: '/g.mp3', codec: 'mp3', frequency: 660 }], async ({ relay, port, open }) => {
    const l = open('/f.mp3');
    await receivesMore(l, 8192);
    const r = await get(port, '/admin/fallbacks?mount=/f.mp3&fallback=/g.mp3', ADMIN);
    t.is(r.status, 200);
    t.is(r.headers.get('content-type')?.[0], 'text/html; charset=utf-8');
    t.is(r.body, '<html><head><title>Admin request successful</title></head><body><p>Fallback configured</p></body></html>');
    t.is(relay.ctx.registry.get('/f.mp3')!.settings.fallbackMount, '/g.mp3');
    t.true((await get(port, '/admin/listmounts', ADMIN)).body.includes('<source mount="/f.mp3"><fallback>/g.mp3</fallback>'));

    await get(port, '/admin/killsource?mount=/f.mp3', ADMIN);
    await until(() => relay.ctx.registry.get('/g.mp3')!.listeners.size === 1, 15000, 'the move to the fallback');
    await receivesMore(l, 16384);
    t.false(l.isClosed());

    const cleared = await get(port, '/admin/fallbacks?mount=/g.mp3&fallback=', ADMIN);
    t.is(cleared.status, 200);
    t.is(relay.ctx.registry.get('/g.mp3')!.settings.fallbackMount, null);
  });
});
