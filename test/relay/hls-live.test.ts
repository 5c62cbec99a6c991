// HLS end to end: ffmpeg pushes MP3 and AAC (ADTS) to a relay, and ffmpeg reads the live
// playlist back and decodes it, also across a source reconnect; the live playlist keeps the
// RFC 8216 rules; HLS players are counted, limited and expire like listeners.
import test from 'ava';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { testRelay, SECRETS, until } from '../helpers/relay.ts';
import { FFMPEG, startSource, stopProcess, type TestCodec } from '../helpers/ffmpeg.ts';
import { rawRequest } from '../helpers/listen.ts';
import type { RunningRelay } from '../../relay/start.ts';

const run = promisify(execFile);
/** Debian's ffmpeg 5.1, when installed: its hls demuxer is strict about segment extensions. */
const SYSTEM_FFMPEG = '/usr/bin/ffmpeg';
/**
 * Decoding tests use 2-second segments (about 32 KiB at 128 kbit/s): ffmpeg's hls demuxer reads
 * 32 KiB ahead, so with smaller segments it meets the next segment's timestamp tag before it has
 * returned the current one's frames and misdates the first segment (a timestamp jump back at the
 * start, reported as an error by ffmpeg 4.1; hls.js and Safari read each segment on its own).
 */
const DECODE_TARGET = 2;
const ADMIN = 'Basic ' + Buffer.from(`admin:${SECRETS.adminPassword}`).toString('base64');

interface Parsed {
  target: number;
  sequence: number;
  discontinuitySequence: number;
  segments: Array<{ uri: string; duration: number; discontinuity: boolean }>;
}

function parsePlaylist(text: string): Parsed {
  const lines = text.split('\n');
  const tag = (name: string): number => Number(lines.find((l) => l.startsWith(`#${name}:`))?.slice(name.length + 2));
  const segments: Parsed['segments'] = [];
  let discontinuity = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '#EXT-X-DISCONTINUITY') discontinuity = true;
    if (!line.startsWith('#EXTINF:')) continue;
    segments.push({ uri: lines[i + 1]!, duration: Number(line.slice(8, line.indexOf(','))), discontinuity });
    discontinuity = false;
  }
  return { target: tag('EXT-X-TARGETDURATION'), sequence: tag('EXT-X-MEDIA-SEQUENCE'), discontinuitySequence: tag('EXT-X-DISCONTINUITY-SEQUENCE'), segments };
}

async function playlist(relay: RunningRelay, mount: string, ua = 'test-player'): Promise<Parsed & { res: Response; text: string }> {
  const res = await fetch(`http://127.0.0.1:${relay.port()}/hls${mount}/live.m3u8`, { headers: { 'user-agent': ua } });
  const text = await res.text();
  return { ...parsePlaylist(text), res, text };
}

/** Poll the playlist until `ok` holds (a deadline, not a fixed sleep). */
async function playlistUntil(relay: RunningRelay, mount: string, ok: (p: Parsed) => boolean, what: string): Promise<Awaited<ReturnType<typeof playlist>>> {
  const deadline = Date.now() + 20000;
  for (;;) {
    const p = await playlist(relay, mount);
    if (p.res.status === 200 && ok(p)) return p;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Decode `seconds` of the live playlist; returns what ffmpeg printed at the given level. */
async function decodeHls(bin: string, url: string, seconds: number, level: 'error' | 'warning', extra: string[] = []): Promise<string> {
  const { stderr } = await run(bin, ['-hide_banner', '-nostdin', '-v', level, ...extra, '-i', url, '-t', String(seconds), '-f', 'null', '-'], { timeout: 30000 });
  return stderr.trim();
}

function checkRules(t: { true(v: boolean, m?: string): void }, p: Parsed, target: number): void {
  t.true(p.target === target, `TARGETDURATION ${p.target}`);
  for (const s of p.segments) t.true(s.duration <= p.target, `EXTINF ${s.duration} ≤ ${p.target}`);
}

for (const codec of ['mp3', 'aac'] as const satisfies readonly TestCodec[]) {
  test.serial(`${codec}: the live playlist follows the rules and decodes`, async (t) => {
    const relay = await testRelay({ hls: { targetDuration: DECODE_TARGET, windowSegments: 3 } });
    const mount = `/live.${codec}`;
    const source = startSource({ port: relay.port(), mount, codec, password: SECRETS.sourcePassword });
    try {
      const first = await playlistUntil(relay, mount, (p) => p.segments.length >= 2, 'two segments');
      t.is(first.res.headers.get('content-type'), 'application/vnd.apple.mpegurl');
      t.is(first.res.headers.get('cache-control'), 'no-cache');
      t.is(first.res.headers.get('access-control-allow-origin'), '*');
      t.true(first.text.startsWith('#EXTM3U\n#EXT-X-VERSION:3\n'));
      checkRules(t, first, DECODE_TARGET);
      for (const s of first.segments) t.regex(s.uri, new RegExp(`^[a-z0-9]+-\\d+\\.${codec}$`), 'relative, with the codec\'s extension');

      const segUrl = `http://127.0.0.1:${relay.port()}/hls${mount}/${first.segments[0]!.uri}`;
      const seg = await fetch(segUrl);
      const body = Buffer.from(await seg.arrayBuffer());
      t.is(seg.status, 200);
      t.is(seg.headers.get('content-type'), codec === 'mp3' ? 'audio/mpeg' : 'audio/aac');
      t.regex(seg.headers.get('cache-control') ?? '', /^public, max-age=\d+, immutable$/);
      t.is(seg.headers.get('access-control-allow-origin'), '*');
      t.is(body.subarray(0, 3).toString('latin1'), 'ID3');
      t.is(body[73], 0xff, 'a frame header right after the 73-byte tag');
      const head = await fetch(segUrl, { method: 'HEAD' });
      t.is(head.status, 200);
      t.is(head.headers.get('content-length'), String(body.length));

      const url = `http://127.0.0.1:${relay.port()}/hls${mount}/live.m3u8`;
      t.is(await decodeHls(FFMPEG, url, 2, 'error'), '', 'ffmpeg 4.1 decodes the live playlist with no error');
      if (existsSync(SYSTEM_FFMPEG)) t.is(await decodeHls(SYSTEM_FFMPEG, url, 2, 'warning'), '', 'ffmpeg 5.1 (extension_picky) with no warning');

      const later = await playlistUntil(relay, mount, (p) => p.sequence > first.sequence, 'the window to slide');
      checkRules(t, later, DECODE_TARGET);
      const listed = later.segments.reduce((n, s) => n + s.duration, 0);
      t.true(listed >= 3 * later.target, `once sliding, the window lasts ${listed} s ≥ three targets`);
      later.segments.forEach((s, i) => {
        const same = first.segments[later.sequence - first.sequence + i];
        if (same) t.is(s.uri, same.uri, 'a media sequence number keeps its URI across reloads');
      });
      t.is((await fetch(segUrl)).status, 200, 'just left the playlist, still downloadable');
    } finally {
      await stopProcess(source);
      await relay.close();
    }
  });
}

test.serial('a source reconnect puts a discontinuity in the playlist and decoding goes on across it', async (t) => {
  const relay = await testRelay({ hls: { targetDuration: DECODE_TARGET, windowSegments: 4 } });
  const mount = '/re.mp3';
  let source = startSource({ port: relay.port(), mount, codec: 'mp3', password: SECRETS.sourcePassword, frequency: 440 });
  try {
    const before = await playlistUntil(relay, mount, (p) => p.segments.length >= 2, 'two segments');
    t.false(before.segments.some((s) => s.discontinuity));
    await stopProcess(source);
    // The test player's session keeps the mount in its grace period, so the playlist stays up.
    await until(() => !relay.ctx.registry.get(mount)!.live, 5000, 'the source to leave');
    t.is((await playlist(relay, mount)).res.status, 200);
    source = startSource({ port: relay.port(), mount, codec: 'mp3', password: SECRETS.sourcePassword, frequency: 880 });
    const after = await playlistUntil(relay, mount, (p) => p.segments.some((s) => s.discontinuity) && p.segments.at(-1)!.discontinuity === false, 'a discontinuity with a segment after it');
    checkRules(t, after, DECODE_TARGET);
    t.true(after.sequence >= before.sequence, 'the media sequence never goes back');
    t.is(relay.ctx.registry.get(mount)!.stats().sourceReconnects, 1);
    const url = `http://127.0.0.1:${relay.port()}/hls${mount}/live.m3u8`;
    // From the oldest listed segment, so the decode crosses the discontinuity.
    t.is(await decodeHls(FFMPEG, url, 3, 'error', ['-live_start_index', '0']), '');
  } finally {
    await stopProcess(source);
    await relay.close();
  }
});

test.serial('a source that comes back after its playlist was gone starts a new one, numbers going on', async (t) => {
  // A configured mount outlives its sources; with no player holding it, the source's leaving ends the playlist.
  const relay = await testRelay({ hls: { targetDuration: 1, windowSegments: 3 }, mounts: { '/kept.mp3': {} } });
  const mount = '/kept.mp3';
  let source = startSource({ port: relay.port(), mount, codec: 'mp3', password: SECRETS.sourcePassword });
  try {
    const m = relay.ctx.registry.get(mount)!;
    const packager = (): ReturnType<NonNullable<RunningRelay['hls']>['packagerOf']> => relay.hls?.packagerOf(m);
    await until(() => (packager()?.window.size ?? 0) >= 2, 15000, 'two segments');
    const old = packager()!.window.playlist();
    await stopProcess(source);
    await until(() => !m.live && !m.inGrace, 5000, 'the source to be gone');
    t.is((await fetch(`http://127.0.0.1:${relay.port()}/hls${mount}/live.m3u8`)).status, 404, 'no source, no playlist');
    source = startSource({ port: relay.port(), mount, codec: 'mp3', password: SECRETS.sourcePassword });
    const fresh = await playlistUntil(relay, mount, (p) => p.segments.length >= 1, 'a segment of the new source');
    const oldUris = new Set(old.entries.map((e) => e.uri));
    t.false(fresh.segments.some((s) => oldUris.has(s.uri)), 'nothing of the old source is listed');
    t.true(fresh.sequence > old.mediaSequence + old.entries.length - 1, 'MEDIA-SEQUENCE went on');
    t.is(m.stats().sourceReconnects, 0, 'a new start, not a reconnect');
  } finally {
    await stopProcess(source);
    await relay.close();
  }
});

test.serial('HLS players are listeners: counted once per client, listed, limited, and gone when idle', async (t) => {
  const relay = await testRelay({ hls: { targetDuration: 1, windowSegments: 3 }, mounts: { '/few.mp3': { maxListeners: 1 } } });
  const mount = '/few.mp3';
  const source = startSource({ port: relay.port(), mount, codec: 'mp3', password: SECRETS.sourcePassword });
  try {
    await until(() => relay.hls?.packagerOf(relay.ctx.registry.get(mount)!)?.serving === true, 15000, 'a segment');
    const m = relay.ctx.registry.get(mount)!;
    const p = await playlist(relay, mount, 'player-a');
    t.is(p.res.status, 200);
    await playlist(relay, mount, 'player-a');
    await fetch(`http://127.0.0.1:${relay.port()}/hls${mount}/${p.segments[0]!.uri}`, { headers: { 'user-agent': 'player-a' } });
    t.is(m.stats().listeners, 1, 'two playlist requests and a segment: one listener');
    t.is(m.stats().listenerPeak, 1);

    const full = await playlist(relay, mount, 'player-b');
    t.is(full.res.status, 403);
    t.is(full.text, 'max listeners reached', 'Icecast\'s wording');

    const api = await fetch(`http://127.0.0.1:${relay.port()}/api/v1/mounts/few.mp3/listeners`, { headers: { authorization: ADMIN } });
    const list = (await api.json()) as { listeners: Array<{ userAgent: string; bytesSent: number }> };
    t.is(list.listeners.length, 1);
    t.is(list.listeners[0]!.userAgent, 'player-a');
    t.true(list.listeners[0]!.bytesSent > 0, 'segment bytes count as sent');
    const xml = await fetch(`http://127.0.0.1:${relay.port()}/admin/listclients?mount=${mount}`, { headers: { authorization: ADMIN } });
    t.regex(await xml.text(), /<UserAgent>player-a<\/UserAgent>/);

    // Three target durations without a request: the session ends.
    const left = Date.now();
    await until(() => m.stats().listeners === 0, 8000, 'the idle session to end');
    t.true(Date.now() - left >= 2500, 'not before about three target durations');
    t.is((await playlist(relay, mount, 'player-b')).res.status, 200, 'room again');
  } finally {
    await stopProcess(source);
    await relay.close();
  }
});

test('HLS paths: reserved for sources, 404 for what does not exist, HEAD without a session', async (t) => {
  const relay = await testRelay({ hls: { targetDuration: 1 } });
  try {
    const auth = 'Basic ' + Buffer.from(`source:${SECRETS.sourcePassword}`).toString('base64');
    const put = await rawRequest(relay.port(), `PUT /hls/x.mp3 HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth}\r\nContent-Type: audio/mpeg\r\n\r\n`);
    t.regex(put.toString('latin1'), /^HTTP\/1\.0 403 [^\r]*\r\n[\s\S]*Mountpoint name is reserved$/);
    for (const path of ['/hls/none.mp3/live.m3u8', '/hls/none.mp3/a-1.mp3', '/hls/x', '/hls/none.mp3/other.m3u8']) {
      for (const method of ['GET', 'HEAD']) t.is((await fetch(`http://127.0.0.1:${relay.port()}${path}`, { method })).status, 404, `${method} ${path}`);
    }
    const options = await fetch(`http://127.0.0.1:${relay.port()}/hls/none.mp3/live.m3u8`, { method: 'OPTIONS' });
    t.is(options.status, 204);
    t.is(options.headers.get('access-control-allow-origin'), '*');

    // Ogg is not packed audio (RFC 8216 §3.4): a live Ogg mount has no playlist, at once.
    const ogg = startSource({ port: relay.port(), mount: '/live.ogg', codec: 'opus', password: SECRETS.sourcePassword });
    try {
      await until(() => relay.ctx.registry.get('/live.ogg')?.live === true && relay.ctx.registry.get('/live.ogg')!.bytesRead > 0, 10000, 'the Ogg source');
      const asked = Date.now();
      t.is((await fetch(`http://127.0.0.1:${relay.port()}/hls/live.ogg/live.m3u8`)).status, 404);
      t.true(Date.now() - asked < 1000, 'without waiting for a segment');
    } finally {
      await stopProcess(ogg);
    }
  } finally {
    await relay.close();
  }
});
