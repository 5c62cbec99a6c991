// The agent's pure parts, table-driven: link format, inputs and encodings, ffmpeg arguments,
// backoff, level maths, silence, the status machine, Ogg pages, the config file, device lists.
import test from 'ava';
import { formatSourceLink, parseSourceLink, SourceLinkError, type SourceLink } from '../../contracts/source-link.ts';
import { CAP_MS, refusedDelay, retryDelay } from '../../agent/backoff.ts';
import { InputError, parseEncoding, parseInput } from '../../agent/encoding.ts';
import { encoderPlan, parseCapabilities } from '../../agent/ffmpeg-args.ts';
import { FLOOR_DBFS, LevelMeter, combine, toDbfs } from '../../agent/levels.ts';
import { parseAlsaPcm, parsePactlSources } from '../../agent/list-inputs.ts';
import { OggPager } from '../../agent/ogg-pages.ts';
import { parsePushConfig, PushConfigError } from '../../agent/push-config.ts';
import { SilenceDetector, type SilenceChange } from '../../agent/silence.ts';
import { StatusMachine, statusLine, type PushEvent, type PushState } from '../../agent/status.ts';

const PIN = 'n3Ue1hQ0nC6U5v7cB0QeCg2d8cS1wS0P7f5m4U3x2k0=';
const NEXT = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

const links: Array<[string, SourceLink]> = [
  [`icegate+tls://source:pw@radio.example:8001/live.mp3#pin-sha256=${PIN}`, { user: 'source', password: 'pw', host: 'radio.example', port: 8001, mount: '/live.mp3', pins: [PIN] }],
  [`icegate+tls://dj:p%40ss%3Aw%2Frd@[::1]:9001/a/b.ogg#pin-sha256=${PIN}&pin-sha256=${NEXT}`, { user: 'dj', password: 'p@ss:w/rd', host: '::1', port: 9001, mount: '/a/b.ogg', pins: [PIN, NEXT] }],
  ['icegate+tls://source:pw@10.0.0.2/live.aac', { user: 'source', password: 'pw', host: '10.0.0.2', port: 8001, mount: '/live.aac', pins: [] }],
];
for (const [text, link] of links) {
  test(`link round trip: ${text.slice(0, 50)}`, (t) => {
    t.deepEqual(parseSourceLink(text), link);
    t.deepEqual(parseSourceLink(formatSourceLink(link)), link);
  });
}

const badLinks: Array<[string, string]> = [
  ['https://source:pw@h:8001/live.mp3', 'scheme'],
  ['icegate+tls://h:8001/live.mp3', 'user'],
  ['icegate+tls://source@h:8001/live.mp3', 'password'],
  ['icegate+tls://:pw@h:8001/live.mp3', 'user'],
  ['icegate+tls://source:@h:8001/live.mp3', 'password'],
  ['icegate+tls://source:pw@:8001/live.mp3', 'host'],
  ['icegate+tls://source:pw@bad_host!:8001/live.mp3', 'host'],
  ['icegate+tls://source:pw@h:0/live.mp3', 'port'],
  ['icegate+tls://source:pw@h:80x/live.mp3', 'port'],
  ['icegate+tls://source:pw@h:8001', 'mount'],
  ['icegate+tls://source:pw@h:8001/a/../b', 'mount'],
  ['icegate+tls://source:pw@h:8001/live.mp3?x=1', 'mount'],
  ['icegate+tls://source:pw@h:8001/live.mp3#pin=abc', 'pin'],
  ['icegate+tls://source:pw@h:8001/live.mp3#pin-sha256=abc', 'pin'],
  [`icegate+tls://source:pw@h:8001/live.mp3#pin-sha256=${PIN}&pin-sha256=short`, 'next pin'],
  ['icegate+tls://source:p%zz@h:8001/live.mp3', 'password'],
];
for (const [text, part] of badLinks) {
  test(`malformed link names the ${part}: ${text}`, (t) => {
    const error = t.throws(() => parseSourceLink(text), { instanceOf: SourceLinkError });
    t.is(error?.part, part);
    t.true(error?.message.startsWith(`source link: ${part}: `));
  });
}

test('inputs and encodings', (t) => {
  t.deepEqual(parseInput('tone'), { kind: 'tone', frequency: 440 });
  t.deepEqual(parseInput('tone:1000'), { kind: 'tone', frequency: 1000 });
  t.deepEqual(parseInput('file:/a:b.wav'), { kind: 'file', path: '/a:b.wav' });
  t.deepEqual(parseInput('alsa:hw:2,0'), { kind: 'alsa', device: 'hw:2,0' });
  t.deepEqual(parseInput('pulse:studio.monitor'), { kind: 'pulse', source: 'studio.monitor' });
  for (const bad of ['mic', 'alsa:', 'pulse:', 'file:', 'tone:5']) t.throws(() => parseInput(bad), { instanceOf: InputError });
  t.deepEqual(parseEncoding({}), { codec: 'mp3', bitrate: 128, channels: 2, sampleRate: 44100 });
  t.deepEqual(parseEncoding({ codec: 'opus' }), { codec: 'opus', bitrate: 128, channels: 2, sampleRate: 48000 });
  t.deepEqual(parseEncoding({ channels: '1', bitrate: '48', sampleRate: '22050' }), { codec: 'mp3', bitrate: 48, channels: 1, sampleRate: 22050 });
  for (const bad of [{ codec: 'flac' }, { bitrate: '7' }, { channels: '3' }, { codec: 'opus', sampleRate: '44100' }, { bitrate: '1.5' }]) {
    t.throws(() => parseEncoding(bad), { instanceOf: InputError });
  }
});

test('ffmpeg arguments: two outputs, pulse natively or through parec', (t) => {
  const enc = parseEncoding({ channels: '1', bitrate: '48' });
  const file = encoderPlan({ kind: 'file', path: 'a.wav' }, enc, { pulse: false });
  t.is(file.capture, null);
  t.is(file.contentType, 'audio/mpeg');
  const a = file.ffmpegArgs.join(' ');
  t.regex(a, /-re -stream_loop -1 -i a\.wav/);
  t.regex(a, /-ac 1 -ar 44100 -c:a libmp3lame -b:a 48k .*-f mp3 pipe:1/);
  // The meter's PCM at 4 kHz in quarter-second blocks: one read per meter window.
  t.regex(a, /-af aresample=4000,asetnsamples=n=1000:p=0 -c:a pcm_s16le -flush_packets 1 -f s16le pipe:3$/);
  const native = encoderPlan({ kind: 'pulse', source: 'x.monitor' }, enc, { pulse: true });
  t.is(native.capture, null);
  t.regex(native.ffmpegArgs.join(' '), /-f pulse .*-i x\.monitor/);
  const parec = encoderPlan({ kind: 'pulse', source: 'x.monitor' }, enc, { pulse: false });
  t.is(parec.capture?.command, 'parec');
  t.true(parec.capture!.args.includes('--device=x.monitor'));
  t.regex(parec.ffmpegArgs.join(' '), /-f s16le -ar 44100 -ac 1 -i pipe:0/);
  t.regex(encoderPlan({ kind: 'alsa', device: 'hw:2,0' }, enc, { pulse: false }).ffmpegArgs.join(' '), /-f alsa -i hw:2,0/);
  t.notRegex(encoderPlan({ kind: 'alsa', device: 'default' }, enc, { pulse: false }).ffmpegArgs.join(' '), /-re/);
  const opus = encoderPlan({ kind: 'tone', frequency: 440 }, parseEncoding({ codec: 'opus' }), { pulse: false });
  t.is(opus.contentType, 'audio/ogg');
  t.regex(opus.ffmpegArgs.join(' '), /libopus .*-f ogg pipe:1/);
  t.deepEqual(parseCapabilities(' DE alsa  ALSA\n DE pulse           Pulse audio output\n'), { pulse: true });
  t.deepEqual(parseCapabilities(' DE alsa  ALSA\n D  lavfi  Libavfilter\n'), { pulse: false });
});

test('backoff: exponential with jitter, capped; refusals slow', (t) => {
  const table: Array<[number, number, number]> = [
    [0, 0, 250], [0, 0.999, 500], [1, 0, 500], [3, 1, 4000], [4, 0, 4000], [5, 1, 10_000], [50, 0, 5000], [50, 1, CAP_MS],
  ];
  for (const [attempt, random, expected] of table) t.is(retryDelay(attempt, random), Math.round(expected), `attempt ${attempt}, random ${random}`);
  t.is(refusedDelay(0), 24_000);
  t.is(refusedDelay(1), 36_000);
});

test('levels: dBFS of full scale, half scale, silence; split samples; combine', (t) => {
  t.is(toDbfs(1), 0);
  t.is(toDbfs(0.5), -6);
  t.is(toDbfs(0), FLOOR_DBFS);
  const meter = new LevelMeter(2);
  const pcm = Buffer.alloc(8 * 4);
  for (let i = 0; i < 8; i++) {
    pcm.writeInt16LE(i % 2 ? 32767 : -32768, i * 4); // left: full-scale square
    pcm.writeInt16LE(0, i * 4 + 2); // right: silence
  }
  meter.add(pcm.subarray(0, 5)); // a sample split across chunks
  meter.add(pcm.subarray(5));
  const levels = meter.take()!;
  t.deepEqual(levels, { peakDbfs: [0, FLOOR_DBFS], rmsDbfs: [0, FLOOR_DBFS] });
  t.is(meter.take(), null);
  t.deepEqual(combine([{ peakDbfs: [-6], rmsDbfs: [-10] }, { peakDbfs: [-3], rmsDbfs: [-10] }]), { peakDbfs: [-3], rmsDbfs: [-10] });
});

test('silence: below the threshold for afterMs, ended by sound, unaffected by gaps', (t) => {
  const d = new SilenceDetector({ thresholdDbfs: -50, afterMs: 1000 });
  const steps: Array<[number, number | null, SilenceChange, boolean]> = [
    [0, -60, null, false], [500, null, null, false], [999, -70, null, false], [1000, -70, 'silent', true], [1500, -70, null, true],
    [1750, -40, 'sound', false], [2000, -60, null, false], [2999, -60, null, false], [3000, -50, null, false],
  ];
  for (const [now, peak, change, silent] of steps) {
    t.is(d.update(now, peak), change, `at ${now}`);
    t.is(d.silent, silent, `silent at ${now}`);
  }
});

test('status machine: transitions, reconnects, a final refusal', (t) => {
  const m = new StatusMachine(0);
  const steps: Array<[PushEvent, boolean, PushState, number]> = [
    [{ type: 'connect' }, true, 'connecting', 0],
    [{ type: 'live' }, true, 'live', 0],
    [{ type: 'refused', reason: 'x', final: false }, false, 'live', 0],
    [{ type: 'failed', reason: 'lost' }, true, 'retrying', 0],
    [{ type: 'live' }, false, 'retrying', 0],
    [{ type: 'connect' }, true, 'connecting', 1],
    [{ type: 'refused', reason: '401', final: false }, true, 'refused', 1],
    [{ type: 'connect' }, true, 'connecting', 2],
    [{ type: 'refused', reason: 'pin', final: true }, true, 'refused', 2],
    [{ type: 'connect' }, false, 'refused', 2],
  ];
  for (const [i, [event, applied, state, reconnects]] of steps.entries()) {
    t.is(m.apply(event, i), applied, `step ${i} ${event.type}`);
    t.is(m.snapshot.state, state, `state after step ${i}`);
    t.is(m.snapshot.reconnects, reconnects, `reconnects after step ${i}`);
  }
  const line = statusLine({ state: 'live', peakDbfs: -6, peakDbfsPerChannel: [-6, -12], rmsDbfsPerChannel: [-9, -15], silent: false, reconnects: 2, kbps: 128, uptime: 3725, droppedBytes: 0, reason: null, mount: '/m' }, { peakDbfs: [-6, -12], rmsDbfs: [-9, -15] });
  t.is(line, 'live        L ##################..   -6.0/  -9.0  R ################....  -12.0/ -15.0  128 kbit/s  up 1:02:05  reconnects 2');
});

function oggPage(granule: bigint, body: Buffer): Buffer {
  const head = Buffer.alloc(27 + 1);
  head.write('OggS', 0, 'latin1');
  head.writeBigInt64LE(granule, 6);
  head[26] = 1;
  head[27] = body.length;
  return Buffer.concat([head, body]);
}

test('Ogg pages: whole pages across chunk boundaries; the granule-0 pages at the start are the headers', (t) => {
  const pages = [oggPage(0n, Buffer.from('OpusHead')), oggPage(0n, Buffer.from('OpusTags')), oggPage(960n, Buffer.alloc(50, 1)), oggPage(0n, Buffer.alloc(10, 2))];
  const stream = Buffer.concat(pages);
  const pager = new OggPager();
  const out: Buffer[] = [];
  for (let i = 0; i < stream.length; i += 7) out.push(...pager.push(stream.subarray(i, i + 7)));
  t.deepEqual(out, pages);
  t.deepEqual(pager.headers, pages.slice(0, 2));
});

test('config file: keys as flags, unknown keys and wrong types named', (t) => {
  t.deepEqual(parsePushConfig('link: icegate+tls://x\ninput: alsa:hw:1,0\nbitrate: 48\nchannels: 1\nonSilence: null\n', 'p.yaml'), { link: 'icegate+tls://x', input: 'alsa:hw:1,0', bitrate: '48', channels: '1' });
  t.throws(() => parsePushConfig('bitrat: 48\n', 'p.yaml'), { instanceOf: PushConfigError, message: /^p\.yaml: bitrat: unknown key/ });
  t.throws(() => parsePushConfig('bitrate: high\n', 'p.yaml'), { instanceOf: PushConfigError, message: 'p.yaml: bitrate: must be a number' });
  t.throws(() => parsePushConfig('- a\n', 'p.yaml'), { instanceOf: PushConfigError });
});

test('device lists: /proc/asound/pcm and pactl, in --input names', (t) => {
  const pcm = '00-00: ALC257 Analog : ALC257 Analog : playback 1 : capture 1\n00-03: HDMI 0 : HDMI 0 : playback 1\n02-00: USB Audio : USB Audio : playback 1 : capture 1\n';
  t.deepEqual(parseAlsaPcm(pcm).map((c) => c.name), ['alsa:hw:0,0', 'alsa:hw:2,0']);
  const pactl = '0\tstudio.monitor\tmodule-null-sink.c\ts16le 2ch 44100Hz\tIDLE\n1\talsa_input.usb-mic\tmodule-alsa-card.c\ts16le 1ch 48000Hz\tRUNNING\n';
  t.deepEqual(parsePactlSources(pactl).map((c) => c.name), ['pulse:studio.monitor', 'pulse:alsa_input.usb-mic']);
});
