// Interoperability with a real Icecast 2.4 (the Debian package icecast2): icegate relaying an
// icecast2 mount, icecast2 relaying an icegate mount, and icecast2 as a master–slave slave of
// icegate. Registered only where icecast2 is installed, so `npm test` passes without it.
import test, { type ExecutionContext } from 'ava';
import http from 'node:http';
import { parseIcyStream } from '../../stream/icy.ts';
import { decode, startSource, stopProcess } from '../helpers/ffmpeg.ts';
import { ICECAST2, ICECAST2_PASSWORDS, startIcecast2, type Icecast2Options, type RunningIcecast2 } from '../helpers/icecast2.ts';
import { listen } from '../helpers/listen.ts';
import { SECRETS, testRelay, until } from '../helpers/relay.ts';
import { parseMpegHeader } from '../../stream/formats/mpeg.ts';

/**
 * The capture up to its last whole MP3 frame: it stops at a byte count, mid-frame, and how the
 * decoder takes a cut last frame ("invalid new backstep") depends on where the cut falls, not on
 * the stream. It starts where Icecast's burst does, on a frame (Icecast sends whole source reads).
 */
function wholeFrames(audio: Buffer): Buffer {
  let off = 0;
  for (let h = parseMpegHeader(audio, 0); h && off + h.length <= audio.length; h = parseMpegHeader(audio, off)) off += h.length;
  return off > 0 ? audio.subarray(0, off) : audio;
}

const quiet = { log: () => {} };
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** An icecast2 admin request on a fresh connection (Icecast closes each one after its reply). */
function admin(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers = { authorization: basic('admin', ICECAST2_PASSWORDS.admin) };
    const req = http.get({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

async function icecastMountLive(port: number, mount: string): Promise<boolean> {
  return (await admin(port, '/admin/listmounts')).body.includes(`mount="${mount}"`);
}

async function waitIcecastMount(port: number, mount: string, what: string): Promise<void> {
  // Generous: icecast2 polls its master on its own schedule, and CI runs test files in parallel.
  const deadline = Date.now() + 45_000;
  while (!(await icecastMountLive(port, mount))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An icecast2 stopped after the test; its error log is shown when the test failed. */
async function icecast2(t: ExecutionContext, o: Icecast2Options = {}): Promise<RunningIcecast2> {
  const ice = await startIcecast2(o);
  t.teardown(async () => {
    if (!t.passed) t.log(await ice.errorLog());
    await ice.stop();
  });
  return ice;
}

if (!ICECAST2) {
  test.skip('icecast2 interop — skipped: install the Debian package icecast2', () => {});
} else {
  test('icegate pulls a live icecast2 mount: audio decodes, titles set on icecast2 arrive', async (t) => {
    const ice = await icecast2(t);
    const ffmpeg = startSource({ port: ice.port, mount: '/ice.mp3', codec: 'mp3', password: ICECAST2_PASSWORDS.source, noise: true });
    t.teardown(() => stopProcess(ffmpeg));
    await waitIcecastMount(ice.port, '/ice.mp3', 'the source on icecast2');
    const relay = await testRelay({ relays: [{ url: `http://127.0.0.1:${ice.port}/ice.mp3` }] }, quiet);
    t.teardown(() => relay.close());
    await until(() => relay.ctx.registry.get('/ice.mp3')?.live === true, 20_000, 'the relayed mount');

    const update = await admin(ice.port, '/admin/metadata?mount=/ice.mp3&mode=updinfo&song=Hello+World');
    t.is(update.status, 200);
    await until(() => relay.ctx.registry.get('/ice.mp3')?.title === 'Hello World', 20_000, 'the title from icecast2');

    const cap = await listen({ port: relay.port(), path: '/ice.mp3', bytes: 48 * 1024 });
    t.is(cap.status, 200);
    t.is(cap.headers.get('icy-name')?.[0], 'Test Radio');
    const result = await decode(cap.body, 'mp3');
    t.true(result.ok, result.errors);
    t.like(relay.ctx.registry.get('/ice.mp3')!.stats(), { sourceKind: 'relay', userAgent: 'Icecast 2.4.4' });
  });

  test('icecast2 relays an icegate mount (<relay>): its listeners decode and get the title', async (t) => {
    const relay = await testRelay({}, quiet);
    const ffmpeg = startSource({ port: relay.port(), mount: '/live.mp3', codec: 'mp3', password: SECRETS.sourcePassword, noise: true });
    t.teardown(async () => {
      await stopProcess(ffmpeg);
      await relay.close();
    });
    await until(() => relay.ctx.registry.get('/live.mp3')?.live === true, 15_000, 'the icegate source');
    relay.ctx.registry.get('/live.mp3')!.setTitle('From icegate');
    const ice = await icecast2(t, { relays: [{ port: relay.port(), mount: '/live.mp3', localMount: '/copy.mp3' }] });
    await waitIcecastMount(ice.port, '/copy.mp3', 'the relay on icecast2');

    const cap = await listen({ port: ice.port, path: '/copy.mp3', headers: { 'Icy-MetaData': '1' }, bytes: 64 * 1024 });
    t.is(cap.status, 200);
    t.is(cap.headers.get('icy-name')?.[0], 'Test Radio');
    const { audio, titles } = parseIcyStream(cap.body, Number(cap.headers.get('icy-metaint')?.[0]));
    t.true(titles.includes('From icegate'), JSON.stringify(titles));
    const whole = wholeFrames(audio);
    // No more than the last frame is left out (MPEG-1 Layer III frames are at most 1441 bytes).
    t.true(audio.length - whole.length < 1441, `${audio.length - whole.length} bytes after the last whole frame`);
    const result = await decode(whole, 'mp3');
    t.true(result.ok, result.errors);
  });

  test('icecast2 as a slave of icegate mirrors its mounts through /admin/streamlist.txt', async (t) => {
    const relay = await testRelay({}, quiet);
    const ffmpeg = startSource({ port: relay.port(), mount: '/live.mp3', codec: 'mp3', password: SECRETS.sourcePassword, noise: true });
    t.teardown(async () => {
      await stopProcess(ffmpeg);
      await relay.close();
    });
    await until(() => relay.ctx.registry.get('/live.mp3')?.live === true, 15_000, 'the icegate source');
    const ice = await icecast2(t, { master: { port: relay.port(), username: 'relay', password: SECRETS.relayPassword, updateInterval: 1 } });
    await waitIcecastMount(ice.port, '/live.mp3', 'the mirrored mount on icecast2');

    const cap = await listen({ port: ice.port, path: '/live.mp3', bytes: 48 * 1024 });
    t.is(cap.status, 200);
    const result = await decode(cap.body, 'mp3');
    t.true(result.ok, result.errors);
  });
}
