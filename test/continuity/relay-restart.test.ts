// kill -9 of the relay core under a live TLS source and two gateway players (plain and TLS): the
// gateway holds the source and the players (gateway/hold, gateway/edge/player-hold.ts) while the
// relay is started again on its port, as the supervisor does. ffmpeg is still pushing afterwards,
// both players are still connected, their longest silence is at most 3 s, they receive the full
// rate again, and everything they received decodes. MP3, AAC (ADTS) and Ogg/Opus.
import test from 'ava';
import { decode, stopProcess, type TestCodec } from '../helpers/ffmpeg.ts';
import { Player, SECRETS, startStack, tlsSource, until } from './restart-kit.ts';

/**
 * The links of a chained Ogg stream, each from its BOS pages on. ffmpeg 4.1 (the npm one) reads
 * the header packets of a link that follows another as audio, so each link is decoded alone.
 */
function oggLinks(body: Buffer): Buffer[] {
  const starts: number[] = [];
  let inHeaders = false;
  for (let at = body.indexOf('OggS'); at !== -1; at = body.indexOf('OggS', at + 4)) {
    const bos = (body[at + 5]! & 0x02) !== 0;
    if (bos && !inHeaders) starts.push(at);
    inHeaders = bos;
  }
  return starts.map((s, i) => body.subarray(s, starts[i + 1] ?? body.length));
}
const MOUNT: Record<TestCodec, string> = { mp3: '/live.mp3', aac: '/live.aac', opus: '/live.opus', vorbis: '/live.ogg' };

const restart = test.macro(async (t, codec: TestCodec) => {
  const stack = await startStack();
  t.teardown(() => stack.close());
  const mount = MOUNT[codec];
  const source = tlsSource(stack.gw.ports().source, mount, codec);
  t.teardown(() => stopProcess(source));
  const holds: string[] = [];
  stack.gw.events.on('hold', (e) => holds.push(e.message));
  stack.gw.events.on('edge', (e) => holds.push(`edge: ${e.message}`));
  // The mount exists once the source is on the relay; then the players come.
  let players: Player[] = [];
  await until(() => {
    if (players.length === 0 || players.some((p) => p.closed)) players = [new Player(stack.gw.ports().listener, mount, false), new Player(stack.gw.ports().listenerTls, mount, true)];
    return players.every((p) => p.bytes > 0);
  }, 15_000, 'both players streaming');
  t.teardown(() => players.forEach((p) => p.socket.destroy()));
  await until(() => players.every((p) => p.bytes > 40_000), 15_000, 'three seconds of audio');

  const before = players.map((p) => p.rate(3000));
  const killedAt = Date.now();
  await stack.killRelay();
  await stack.startRelay();
  const back = Date.now() - killedAt;
  await until(() => holds.some((l) => /resumed on the relay/.test(l)), 10_000, 'the source resumed');
  // Full rate again, measured over the 4 s from 3 s after the source resumed.
  await new Promise((r) => setTimeout(r, 7000));

  t.is(source.exitCode, null, `ffmpeg still pushing (${source.errors()})`);
  for (const [i, p] of players.entries()) {
    const name = i === 0 ? 'plain player' : 'TLS player';
    t.false(p.closed, `${name} still connected`);
    const gap = p.longestGap(killedAt - 1000);
    t.log(`${codec} ${name}: relay back after ${back} ms; longest silence ${gap} ms; rate ${Math.round(p.rate(4000))} B/s`);
    // At most 3 s (the issue's bound) when the relay is back within 2 s, as on a calm machine; a
    // loaded machine can take longer to start the relay from its sources, and then the gateway's
    // share (reconnecting the source and the pull, resuming) is what is checked: at most 1 s more.
    t.true(gap <= Math.max(3000, back + 1000), `${name}: longest silence ${gap} ms with the relay back after ${back} ms`);
    t.true(p.rate(4000) >= 0.85 * before[i]!, `${name}: ${Math.round(p.rate(4000))} B/s, ${Math.round(before[i]!)} B/s before`);
    const parts = codec === 'opus' || codec === 'vorbis' ? oggLinks(p.body) : [p.body];
    if (codec === 'opus') t.is(parts.length, 2, 'the resumption is a new link of the chain');
    for (const part of parts) {
      const decoded = await decode(part);
      t.true(decoded.ok, `${name} decodes: ${decoded.errors.slice(0, 500)}`);
    }
  }
  t.like(stack.gw.hold.snapshot(), { sourcesHeld: 0, sourcesResumed: 1, playersHeld: 0 });
  // The new relay's /metrics shows the gateway's holds (sent with its edge reports).
  const metric = (text: string, name: string, role: string): number => Number(new RegExp(`^${name}\\{gateway="[^"]+",role="${role}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  let scraped = '';
  const auth = `Basic ${Buffer.from(`admin:${SECRETS.adminPassword}`).toString('base64')}`;
  await until(() => {
    void fetch(`http://127.0.0.1:${stack.relayPort}/metrics`, { headers: { authorization: auth } }).then((r) => r.text()).then((text) => (scraped = text), () => {});
    return metric(scraped, 'icegate_gateway_holds_total', 'source') === 1 && metric(scraped, 'icegate_gateway_hold_seconds_total', 'source') > 0;
  }, 15_000, 'the hold figures in /metrics');
  // Each of the two players was held at least once; on a loaded machine the edge's pull can break
  // a second time while the relay comes back (a pull before the source is back), a second hold.
  const playerHolds = metric(scraped, 'icegate_gateway_holds_total', 'player');
  t.true(playerHolds >= 2 && playerHolds <= 4, `player holds in /metrics: ${playerHolds}`);
  t.log(holds.join('\n'));
});

test.serial('MP3 over TLS: kill -9 of the relay core', restart, 'mp3');
test.serial('AAC over TLS: kill -9 of the relay core', restart, 'aac');
test.serial('Ogg/Opus over TLS: kill -9 of the relay core', restart, 'opus');
