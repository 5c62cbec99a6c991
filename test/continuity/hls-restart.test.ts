// An HLS player across kill -9 of the relay core (docs/hls.md#across-a-relay-restart): ffmpeg
// pushes over TLS to the gateway, a player reloads the playlist and fetches its segments through
// the gateway's listener port, the relay is killed and started again on its port. The player sees
// one continuous run of media sequence numbers (none skipped, none renumbered, RFC 8216 §6.2.1),
// EXT-X-DISCONTINUITY on the first segment of the new relay, no failed request (the gateway holds
// the requests that meet no relay), waits no longer than the relay was away (plus the one segment
// the killed relay was cutting), and every segment decodes with ffmpeg.
import test from 'ava';
import { decode, stopProcess } from '../helpers/ffmpeg.ts';
import { HlsPlayer } from './hls-player.ts';
import { startStack, tlsSource, until } from './restart-kit.ts';

const TARGET_S = 1;

const restart = test.macro(async (t, codec: 'mp3' | 'aac') => {
  const stack = await startStack({}, { hls: { targetDuration: TARGET_S, windowSegments: 6 } });
  t.teardown(() => stack.close());
  const mount = `/live.${codec}`;
  const source = tlsSource(stack.gw.ports().source, mount, codec);
  t.teardown(() => stopProcess(source));
  const holds: string[] = [];
  stack.gw.events.on('hold', (e) => holds.push(e.message));
  const player = new HlsPlayer(`http://127.0.0.1:${stack.gw.ports().listener}/hls${mount}/`, TARGET_S * 1000);
  t.teardown(() => player.stop());
  await until(() => player.segments.length >= 5, 20_000, 'five segments played');

  const epochOf = (uri: string): string => uri.slice(0, uri.indexOf('-'));
  const before = new Set(player.segments.map((s) => epochOf(s.uri)));
  const t0 = player.segments[0]!.at;
  const killedAt = Date.now();
  await stack.killRelay();
  await stack.startRelay();
  const listening = Date.now();
  await until(() => holds.some((l) => /resumed on the relay/.test(l)), 10_000, 'the source resumed');
  const absence = Date.now() - killedAt;
  t.log(`killed at +${killedAt - t0} ms, relay listening at +${listening - t0} ms, source resumed at +${Date.now() - t0} ms`);
  const fresh = (): number => player.segments.filter((s) => !before.has(epochOf(s.uri))).length;
  await until(() => fresh() >= 4, 20_000, 'four segments from the new relay');
  await player.stop();

  t.deepEqual(player.violations, [], 'RFC 8216 §6.2.1 numbering');
  const seqs = player.segments.map((s) => s.seq);
  t.deepEqual(seqs, seqs.map((_, i) => seqs[0]! + i), 'one continuous run of media sequence numbers');
  const first = player.segments.findIndex((s) => !before.has(epochOf(s.uri)));
  t.true(player.segments[first]!.discontinuity, 'EXT-X-DISCONTINUITY at the resumption');
  t.is(player.segments.filter((s) => s.discontinuity).length, 1, 'and nowhere else');
  t.is(player.segments[first]!.discSeq, player.segments[first - 1]!.discSeq + 1);
  // The timeline goes on from the last segment the killed relay cut (ID3 PTS at byte 65, 90 kHz).
  const pts = (i: number): number => Number(player.segments[i]!.data.readBigUInt64BE(65));
  const expected = pts(first - 1) + player.segments[first - 1]!.duration * 90000;
  t.true(Math.abs(pts(first) - expected) <= 2, `PTS ${pts(first)} after ${pts(first - 1)} + ${player.segments[first - 1]!.duration} s`);
  t.log(player.segments.map((s) => `${s.seq} ${s.uri} ${s.duration.toFixed(2)} s${s.discontinuity ? ' DISCONTINUITY' : ''} at +${s.at - player.segments[0]!.at} ms`).join('\n'));
  // No audio reaches anyone while the relay is away, so a player whose buffer is shorter than the
  // relay's absence waits; beyond that it loses at most the segment the killed relay was cutting.
  const stall = Math.max(0, -player.minAheadMs);
  t.true(stall <= absence + TARGET_S * 1000, `stalled ${Math.round(stall)} ms; the relay was away ${absence} ms`);
  // The gateway held the requests that met no relay (gateway/hold/forward-hold.ts): no player error.
  t.deepEqual(player.failures.filter((f) => f.at >= killedAt), [], 'no failed request while the relay was away');
  t.log(`${codec}: ${player.segments.length} segments, ${player.playlists} playlists, stall ${Math.round(stall)} ms with the relay away ${absence} ms`);
  for (const s of player.segments) {
    const decoded = await decode(s.data, codec === 'aac' ? 'aac' : 'mp3');
    t.true(decoded.ok && decoded.seconds > 0, `${s.uri} decodes: ${decoded.errors.slice(0, 300)}`);
  }
  t.is(source.exitCode, null, 'ffmpeg still pushing');
});

test.serial('MP3 HLS player through the gateway: kill -9 of the relay core', restart, 'mp3');
test.serial('AAC HLS player through the gateway: kill -9 of the relay core', restart, 'aac');
