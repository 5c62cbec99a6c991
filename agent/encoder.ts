// The ffmpeg child (and `parec` when it records for ffmpeg): encoded audio on stdout, meter PCM on
// fd 3, errors on stderr. The encoder runs for as long as the agent does, whatever the network
// does; when ffmpeg exits (a USB sound card unplugged, a file that cannot be read) it is started
// again after a delay.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import type { EncoderPlan } from './ffmpeg-args.ts';

export interface EncoderEvents {
  /** Encoded audio, in the order ffmpeg wrote it. */
  audio: [Buffer];
  /** 16-bit PCM for the meter. */
  pcm: [Buffer];
  /** ffmpeg (or the recorder) exited; `output` is its last error lines; `audioBytes` what it produced. */
  exit: [{ code: number | null; signal: string | null; output: string; audioBytes: number; program: string }];
  /** A program could not be started at all (ENOENT …). */
  spawnError: [{ program: string; error: NodeJS.ErrnoException }];
}

const TAIL = 4000;

export class Encoder extends EventEmitter<EncoderEvents> {
  readonly #ffmpeg: string;
  readonly #plan: EncoderPlan;
  #children: ChildProcess[] = [];
  #stopped = false;

  constructor(ffmpeg: string, plan: EncoderPlan) {
    super();
    this.#ffmpeg = ffmpeg;
    this.#plan = plan;
  }

  get running(): boolean {
    return this.#children.length > 0;
  }

  get pids(): number[] {
    return this.#children.map((c) => c.pid).filter((p): p is number => p !== undefined);
  }

  start(): void {
    if (this.#stopped || this.#children.length > 0) return;
    const capture = this.#plan.capture;
    const ffmpeg = spawn(this.#ffmpeg, this.#plan.ffmpegArgs, { stdio: [capture ? 'pipe' : 'ignore', 'pipe', 'pipe', 'pipe'] });
    const children: ChildProcess[] = [ffmpeg];
    let recorder: ChildProcess | null = null;
    if (capture) {
      recorder = spawn(capture.command, capture.args, { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(recorder);
      recorder.stdout!.pipe(ffmpeg.stdin!);
      ffmpeg.stdin!.on('error', () => {});
    }
    this.#children = children;
    let audioBytes = 0;
    ffmpeg.stdout!.on('data', (chunk: Buffer) => {
      audioBytes += chunk.length;
      this.emit('audio', chunk);
    });
    (ffmpeg.stdio[3] as Readable).on('data', (chunk: Buffer) => this.emit('pcm', chunk));
    let ended = false;
    for (const [child, program] of [[ffmpeg, this.#ffmpeg], ...(recorder ? [[recorder, capture!.command] as const] : [])] as Array<readonly [ChildProcess, string]>) {
      let output = '';
      child.stderr!.setEncoding('utf8').on('data', (d: string) => {
        output = (output + d).slice(-TAIL);
      });
      child.on('error', (error: NodeJS.ErrnoException) => {
        if (ended) return;
        ended = true;
        this.#kill();
        this.emit('spawnError', { program, error });
      });
      child.on('exit', (code, signal) => {
        if (ended) return;
        ended = true;
        // One half gone: stop the other, so they are started again together.
        this.#kill();
        if (!this.#stopped) this.emit('exit', { code, signal, output: output.trim(), audioBytes, program });
      });
    }
  }

  #kill(): void {
    for (const c of this.#children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    this.#children = [];
  }

  /** Stops the children; resolves when they are gone. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const children = this.#children;
    const gone = children.map((c) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => c.once('exit', () => r()))));
    for (const c of children) c.kill('SIGTERM');
    const timer = setTimeout(() => this.#kill(), 2000);
    await Promise.all(gone);
    clearTimeout(timer);
    this.#children = [];
  }
}
