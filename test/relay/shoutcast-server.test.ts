// The SHOUTcast v1 source port (docs/icecast-compatibility.md#shoutcast-v1-sources): password line, OK2, icy-*
// header block, raw audio. Wrong passwords and broken logins are closed without a byte.
import test from 'ava';
import { once } from 'node:events';
import { spawn } from 'node:child_process';
import type { RelayEvents } from '../../stream/context.ts';
import type { RunningRelay } from '../../relay/start.ts';
import { matchPassword } from '../../relay/shoutcast-server.ts';
import { parsePasswordLine } from '../../relay/shoutcast.ts';
import { FFMPEG, decode } from '../helpers/ffmpeg.ts';
import { FORWARD_KEY_LINE, SECRETS, testRelay } from '../helpers/relay.ts';
import { RawClient, openSource, openStream } from './ingest-kit.ts';

const OK2 = 'OK2\r\nicy-caps:11\r\n\r\n';
const OTHER_PASSWORD = 'other-mount-secret';

const match = test.macro({
  exec(t, line: string, passwords: Record<string, string>, expected: ReturnType<typeof matchPassword>) {
    const parsed = parsePasswordLine(Buffer.from(`${line}\r\n`));
    if (parsed.kind !== 'ok') return t.fail(parsed.kind);
    t.deepEqual(
      matchPassword(parsed, '/stream', (mount) => passwords[mount] ?? 'global-secret'),
      expected,
    );
  },
  title: (title, line: string) => `${title}: ${JSON.stringify(line)}`,
});

test('the default mount', match, 'global-secret', {}, { ok: true, mount: '/stream' });
test('a wrong password', match, 'guess', {}, { ok: false, mount: '/stream' });
test("the default mount's own password", match, 'stream-secret', { '/stream': 'stream-secret' }, { ok: true, mount: '/stream' });
test('the global password where the mount has its own', match, 'global-secret', { '/stream': 'stream-secret' }, { ok: false, mount: '/stream' });
test('KH form, another mount', match, `/other:${OTHER_PASSWORD}`, { '/other': OTHER_PASSWORD }, { ok: true, mount: '/other' });
test('KH form, a new mount on the global password', match, '/new:global-secret', {}, { ok: true, mount: '/new' });
test('KH form, a wrong password', match, '/other:global-secret', { '/other': OTHER_PASSWORD }, { ok: false, mount: '/other' });
test('a password that looks like the KH form', match, '/x:y', { '/stream': '/x:y' }, { ok: true, mount: '/stream' });

async function shoutcastRelay(config: Record<string, unknown> = {}): Promise<RunningRelay & { scPort: number }> {
  const relay = await testRelay({ ...config, shoutcast: { enabled: true, mount: '/stream' } }, { shoutcastPort: 0 });
  return Object.assign(relay, { scPort: relay.shoutcast!.port() });
}

type Seen = { auth: RelayEvents['auth-failure'][0] } | { bad: RelayEvents['bad-request'][0] };

function record(relay: RunningRelay): Seen[] {
  const seen: Seen[] = [];
  relay.ctx.events.on('auth-failure', (auth) => seen.push({ auth }));
  relay.ctx.events.on('bad-request', (bad) => seen.push({ bad }));
  return seen;
}

test('without shoutcast.enabled there is no SHOUTcast port', async (t) => {
  const relay = await testRelay();
  try {
    t.is(relay.shoutcast, null);
  } finally {
    await relay.close();
  }
});

const refused = test.macro(async (t, input: string, received: string, events: Seen[], config: Record<string, unknown> = {}) => {
  const relay = await shoutcastRelay(config);
  const seen = record(relay);
  try {
    const client = new RawClient(relay.scPort, input);
    t.is((await client.untilClosed()).toString('latin1'), received);
    t.deepEqual(seen, events);
    t.false(relay.ctx.registry.get('/stream')?.live ?? false);
  } finally {
    await relay.close();
  }
});

const failedLogin = (mount: string): Seen => ({ auth: { channel: 'source', ip: '127.0.0.1', mount, probe: false } });
const dropped = (reason: string): Seen => ({ bad: { ip: '127.0.0.1', reason: `shoutcast: ${reason}` } });

test('a wrong password: closed without a byte', refused, 'guess\r\n', '', [failedLogin('/stream')]);
test('a wrong password, KH form', refused, `/other:guess\n`, '', [failedLogin('/other')]);
test('the source user is not part of the password', refused, `source:${SECRETS.sourcePassword}\r\n`, '', [failedLogin('/stream')]);
test('a password line without end', refused, 'a'.repeat(300), '', [dropped('the password line is too long')]);
test('a control character in the password line', refused, 'hack\0me\r\n', '', [dropped('the password line contains a control character')]);
test('no password within headerTimeout', refused, 'hackme', '', [dropped('header timeout')], { limits: { headerTimeout: 1 } });
test('a broken header block after OK2', refused, `${SECRETS.sourcePassword}\r\nnot a header\r\n`, OK2, [dropped('header line 1 is not "name: value"')]);
test('no header block within headerTimeout', refused, `${SECRETS.sourcePassword}\r\nicy-name:x\r\n`, OK2, [dropped('header timeout')], {
  limits: { headerTimeout: 1 },
});

const ICY_HEADERS = ['icy-name:Test Radio', 'icy-genre:Rock', 'icy-url:http://radio.example/', 'icy-pub:1', 'icy-br:128', 'content-type:audio/mpeg'];

test('ffmpeg MP3 through the SHOUTcast port: a listener decodes it and sees the icy-* headers', async (t) => {
  const relay = await shoutcastRelay();
  const input = ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100:duration=4'];
  const output = ['-ac', '2', '-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3', '-'];
  const encoder = spawn(FFMPEG, ['-hide_banner', '-loglevel', 'error', ...input, ...output], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const source = new RawClient(relay.scPort, `${SECRETS.sourcePassword}\r\n`);
    t.is((await source.waitForBytes(OK2.length, 'OK2')).toString('latin1'), OK2);
    const started = once(relay.ctx.registry, 'source-start');
    source.socket.write(ICY_HEADERS.map((h) => `${h}\r\n`).join('') + '\r\n');
    await started;
    const mount = relay.ctx.registry.get('/stream')!;
    t.like(mount.sourceInfo, { ip: '127.0.0.1', contentType: 'audio/mpeg', kind: 'source' });
    const listener = await openStream(relay.port(), '/stream');
    const head = await listener.head();
    for (const line of ['Content-Type: audio/mpeg', 'icy-name:Test Radio', 'icy-genre:Rock', 'icy-br:128', 'icy-pub:1', 'icy-url:http://radio.example/']) {
      t.true(head.includes(`\r\n${line}\r\n`), `listener head has ${line}`);
    }
    encoder.stdout.pipe(source.socket);
    const body = await listener.waitForBody(48 * 1024);
    const decoded = await decode(body, 'mp3');
    t.true(decoded.ok, decoded.errors);
    t.true(decoded.seconds > 2.5, `decoded ${decoded.seconds} s`);
  } finally {
    encoder.kill('SIGKILL');
    await relay.close();
  }
});

test('KH form: a mount of its own with its own password; no Content-Type means MP3', async (t) => {
  const relay = await shoutcastRelay({ mounts: { '/other': { password: OTHER_PASSWORD } } });
  try {
    const source = new RawClient(relay.scPort, `/other:${OTHER_PASSWORD}\r\n`);
    t.is((await source.waitForBytes(OK2.length, 'OK2')).toString('latin1'), OK2);
    const started = once(relay.ctx.registry, 'source-start');
    source.socket.write('icy-name:Other\r\n\r\n');
    const [mount] = await started;
    t.is(mount.name, '/other');
    t.is(mount.contentType, 'audio/mpeg');
    t.is(mount.stats().description.name, 'Other');
    t.false(relay.ctx.registry.get('/stream')?.live ?? false);
    source.socket.destroy();
  } finally {
    await relay.close();
  }
});

test('a mount in use by another host: OK2, then closed; the live source keeps it', async (t) => {
  const relay = await shoutcastRelay();
  const seen = record(relay);
  try {
    const live = await openSource(relay.port(), '/stream', ['X-Forwarded-For: 198.51.100.7', FORWARD_KEY_LINE]);
    const source = new RawClient(relay.scPort, `${SECRETS.sourcePassword}\r\nicy-name:Late\r\n\r\n`);
    t.is((await source.untilClosed()).toString('latin1'), OK2);
    t.deepEqual(seen, [], 'a good login, refused only for the mount');
    t.is(relay.ctx.registry.get('/stream')?.sourceInfo?.ip, '198.51.100.7');
    t.false(live.isClosed);
    live.socket.destroy();
  } finally {
    await relay.close();
  }
});

test('closing the relay closes the SHOUTcast port and its connections', async (t) => {
  const relay = await shoutcastRelay();
  const pending = new RawClient(relay.scPort, 'hack');
  await once(relay.shoutcast!.server, 'connection');
  await relay.close();
  await pending.untilClosed();
  const late = new RawClient(relay.scPort);
  const error = await once(late.socket, 'error').then(([e]) => e as NodeJS.ErrnoException);
  t.is(error.code, 'ECONNREFUSED');
});
