// A relay that never comes back: with a short configured hold (gateway.hold.sources and .players,
// 1 s), kill -9 of the relay under ffmpeg over TLS and two players; nothing starts it again. The
// source and both players are let go after the hold, each with a clear log line, and the hold
// figures say so; an HLS request waits as long and then gets its 502.
import test from 'ava';
import { stopProcess } from '../helpers/ffmpeg.ts';
import { Player, startStack, tlsSource, until } from './restart-kit.ts';

test('no relay within the hold: the source and the players are released, with a log line each', async (t) => {
  const stack = await startStack({ hold: { sources: 1, players: 1 } });
  t.teardown(() => stack.close());
  const source = tlsSource(stack.gw.ports().source, '/live.mp3', 'mp3');
  t.teardown(() => stopProcess(source));
  const logs: string[] = [];
  stack.gw.events.on('hold', (e) => logs.push(e.message));
  stack.gw.events.on('edge', (e) => logs.push(`edge: ${e.message}`));
  let players: Player[] = [];
  await until(() => {
    if (players.length === 0 || players.some((p) => p.closed)) players = [new Player(stack.gw.ports().listener, '/live.mp3', false), new Player(stack.gw.ports().listenerTls, '/live.mp3', true)];
    return players.every((p) => p.bytes > 0);
  }, 15_000, 'both players streaming');
  t.teardown(() => players.forEach((p) => p.socket.destroy()));

  await stack.killRelay();
  await until(() => players.every((p) => p.closed), 15_000, 'the players released');
  await until(() => source.exitCode !== null, 15_000, 'the encoder disconnected');
  t.log(logs.join('\n'));
  t.true(logs.some((l) => /source PUT \/live\.mp3 from \S+ released: no relay for 1\.\d s \(gateway\.hold\.sources\)/.test(l)), 'the source release is logged');
  t.true(logs.some((l) => /\/live\.mp3: no relay within gateway\.hold\.players \(\d+\.\d s\); its players were released/.test(l)), 'the player release is logged');
  t.like(stack.gw.hold.snapshot(), { sourcesHeld: 0, sourcesReleased: 1, sourcesResumed: 0, playersHeld: 0, playerHolds: 2 });
  // An HLS request waits gateway.hold.players for the relay, then gets the 502 as without a hold.
  const hls = await fetch(`http://127.0.0.1:${stack.gw.ports().listener}/hls/live.mp3/live.m3u8`);
  t.is(hls.status, 502);
});
