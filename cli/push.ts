// `icegate push`: the broadcaster's side. Captures (tone, file, ALSA, PulseAudio), encodes with
// ffmpeg, pushes over TLS pinned to the server's key, and keeps the studio on the air
// (agent/, docs/push.md).
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { parseSourceLink, SourceLinkError } from '../contracts/source-link.ts';
import { InputError, formatInput, parseEncoding, parseInput } from '../agent/encoding.ts';
import { encoderPlan } from '../agent/ffmpeg-args.ts';
import { bundledFfmpeg, FfmpegMissing, probeFfmpeg } from '../agent/ffmpeg-binary.ts';
import { formatInputList, listInputs } from '../agent/list-inputs.ts';
import { parsePushConfig, PushConfigError, type PushSettings } from '../agent/push-config.ts';
import { PushAgent } from '../agent/push-agent.ts';
import { statusJson, statusLine } from '../agent/status.ts';
import { UsageError, type Command } from './command.ts';
import { processIo, type Io } from './io.ts';
import { strictArgs } from './strict-args.ts';

export const pushCommand: Command = {
  name: 'push',
  summary: 'broadcast: capture, encode and push to a mount over pinned TLS, reconnecting forever',
  help: [
    'Usage: icegate push [options] LINK',
    '       icegate push --config FILE',
    '       icegate push --list-inputs',
    '',
    'LINK is the line "icegate source-link --mount M" prints on the server:',
    'icegate+tls://source:PASSWORD@radio.example:8001/live.mp3#pin-sha256=…',
    'The server must present the pinned key before any credential is sent; a link',
    'without a pin needs a certificate the system trusts. Reconnects forever (backoff',
    'up to 10 s); audio during a gap is dropped, not queued.',
    '',
    'Options:',
    '  --input SPEC            tone[:HZ] (default), file:PATH (looped), alsa:DEVICE',
    '                          (alsa:hw:2,0, alsa:default) or pulse:SOURCE',
    '  --list-inputs           list the inputs this machine has, and exit',
    '  --codec mp3|aac|opus    encoding (default mp3)',
    '  --bitrate KBPS          default 128 (a mono 48 kbit/s MP3 suits a home uplink)',
    '  --channels 1|2          default 2',
    '  --sample-rate HZ        default 44100 (opus: 48000)',
    '  --name TEXT             the stream name listeners see (ice-name)',
    '  --ffmpeg PATH           the ffmpeg to run (default: the one npm install brings)',
    '  --status text|json      one terminal line (default), or one JSON object per second',
    '  --silence-threshold DB  silence is below this peak level, dBFS (default -50)',
    '  --silence-after S       for this many seconds (default 15)',
    '  --on-silence CMD        run CMD (sh -c) when silence starts; ICEGATE_SILENT=1 and',
    '                          ICEGATE_MOUNT are set',
    '  --config FILE           YAML with the same settings (link, input, codec, bitrate,',
    '                          channels, sampleRate, ffmpeg, status, silenceThreshold,',
    '                          silenceAfter, onSilence, name); flags win',
    '  -h, --help              show this help',
    '',
    'Exit status: 0 stopped by SIGINT/SIGTERM, 1 input or ffmpeg problem, 2 usage,',
    '3 the server\'s key does not match the link\'s pin (never retried).',
  ].join('\n'),
  async run(args, io) {
    const { values, positionals } = strictArgs(
      args,
      {
        input: { type: 'string' },
        'list-inputs': { type: 'boolean' },
        codec: { type: 'string' },
        bitrate: { type: 'string' },
        channels: { type: 'string' },
        'sample-rate': { type: 'string' },
        name: { type: 'string' },
        ffmpeg: { type: 'string' },
        status: { type: 'string' },
        'silence-threshold': { type: 'string' },
        'silence-after': { type: 'string' },
        'on-silence': { type: 'string' },
        config: { type: 'string', short: 'c' },
        help: { type: 'boolean', short: 'h' },
      },
      true,
    );
    if (values.help) {
      io.out(this.help);
      return 0;
    }
    if (values['list-inputs']) {
      io.out('Inputs (as --input takes them):');
      for (const line of formatInputList(await listInputs())) io.out(line);
      return 0;
    }
    if (positionals.length > 1) throw new UsageError('give one LINK (quote it in the shell: it contains "#" and "&")');
    let file: PushSettings = {};
    if (values.config !== undefined) {
      try {
        file = parsePushConfig(await readFile(values.config, 'utf8'), values.config);
      } catch (error) {
        if (error instanceof PushConfigError) return fail(io, error.message);
        return fail(io, `${values.config}: ${(error as Error).message}`);
      }
    }
    const s: PushSettings = {
      link: positionals[0] ?? file.link,
      input: values.input ?? file.input,
      codec: values.codec ?? file.codec,
      bitrate: values.bitrate ?? file.bitrate,
      channels: values.channels ?? file.channels,
      sampleRate: values['sample-rate'] ?? file.sampleRate,
      ffmpeg: values.ffmpeg ?? file.ffmpeg,
      status: values.status ?? file.status,
      silenceThreshold: values['silence-threshold'] ?? file.silenceThreshold,
      silenceAfter: values['silence-after'] ?? file.silenceAfter,
      onSilence: values['on-silence'] ?? file.onSilence,
      name: values.name ?? file.name,
    };
    if (s.link === undefined) throw new UsageError('give the LINK that "icegate source-link" prints on the server (or link: in --config)');
    const status = s.status ?? 'text';
    if (status !== 'text' && status !== 'json') throw new UsageError('--status must be text or json');
    const threshold = Number(s.silenceThreshold ?? -50);
    if (!Number.isFinite(threshold) || threshold > 0 || threshold < -100) throw new UsageError('--silence-threshold is a dBFS level from -100 to 0, e.g. -50');
    const after = Number(s.silenceAfter ?? 15);
    if (!Number.isFinite(after) || after <= 0) throw new UsageError('--silence-after is a number of seconds > 0');
    let link, input, encoding;
    try {
      link = parseSourceLink(s.link);
      input = parseInput(s.input ?? 'tone');
      encoding = parseEncoding({ codec: s.codec, bitrate: s.bitrate, channels: s.channels, sampleRate: s.sampleRate });
    } catch (error) {
      if (error instanceof SourceLinkError || error instanceof InputError) return fail(io, error.message);
      throw error;
    }
    const ffmpeg = s.ffmpeg ?? bundledFfmpeg();
    let caps;
    try {
      caps = await probeFfmpeg(ffmpeg);
    } catch (error) {
      if (error instanceof FfmpegMissing) return fail(io, error.message);
      throw error;
    }
    const plan = encoderPlan(input, encoding, caps);
    const headers: Record<string, string> = {
      'Ice-Public': '0',
      'Ice-Audio-Info': `channels=${encoding.channels};samplerate=${encoding.sampleRate};bitrate=${encoding.bitrate}`,
      'Ice-Bitrate': String(encoding.bitrate),
    };
    if (s.name !== undefined) headers['Ice-Name'] = s.name;
    const agent = new PushAgent({
      link,
      ffmpeg,
      plan,
      encoding,
      headers,
      silence: { thresholdDbfs: threshold, afterMs: after * 1000 },
      userAgent: 'icegate-push/1',
    });
    const tty = status === 'text' && io === processIo && process.stdout.isTTY === true;
    let lastLevels = null as Parameters<typeof statusLine>[1];
    let lastPrinted = 0;
    let lastState = '';
    const log = (line: string): void => {
      if (tty) process.stdout.write('\r\x1b[K');
      io.err(`${new Date().toISOString()} ${line}`);
    };
    log(`pushing ${formatInput(input)} as ${encoding.codec} ${encoding.bitrate} kbit/s, ${encoding.channels} ch, ${encoding.sampleRate} Hz to ${link.host}:${link.port}${link.mount}`);
    agent.on('log', log);
    agent.on('levels', (levels) => {
      lastLevels = levels;
      if (tty) process.stdout.write(`\r${statusLine(agent.report(), levels)}\x1b[K`);
    });
    agent.on('status', (r) => {
      if (status === 'json') return io.out(statusJson(r));
      if (tty) return;
      // Not a terminal (a log, the journal): the line on each change of state and every 10 s.
      const now = Date.now();
      if (r.state !== lastState || now - lastPrinted >= 10_000) {
        lastState = r.state;
        lastPrinted = now;
        io.out(statusLine(r, lastLevels));
      }
    });
    if (s.onSilence !== undefined) {
      const command = s.onSilence;
      agent.on('silence', (silent) => {
        if (!silent) return;
        const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ICEGATE_SILENT: '1', ICEGATE_MOUNT: link.mount } });
        child.on('error', (e) => log(`--on-silence: ${e.message}`));
      });
    }
    return await new Promise<number>((resolve) => {
      const finish = (code: number): void => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        void agent.stop().then(() => resolve(code));
      };
      const onSignal = (): void => finish(0);
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      agent.on('fatal', async ({ message, code }) => {
        log(`icegate push: ${message}`);
        if (message.startsWith('the input could not be opened')) {
          io.err('Inputs on this machine (as --input takes them):');
          for (const line of formatInputList(await listInputs())) io.err(line);
        }
        finish(code);
      });
      agent.start();
    });
  },
};

function fail(io: Io, message: string): number {
  io.err(`icegate push: ${message}`);
  return 1;
}
