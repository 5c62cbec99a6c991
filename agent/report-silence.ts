// Tells the server whether the input is silent, so its dashboard and control API show it
// (docs/push.md#silence-on-the-server). Driven by the agent's own status reports: when the push
// goes live, when silence starts or ends, and every REFRESH_MS while live (a relay restart the
// gateway holds the source across, unseen by the agent, forgets what was reported). One request
// at a time; a change during one is sent after it. A server that does not know the report (a
// real Icecast answers "No such action") is not asked again on this connection.
import type { SourceLink } from '../contracts/source-link.ts';
import { silenceQuery } from '../contracts/source-stats.ts';
import { sendReport, type ReportAnswer } from './report-request.ts';
import type { StatusReport } from './status.ts';

export const REFRESH_MS = 15_000;

export interface SilenceReporterOptions {
  link: SourceLink;
  userAgent: string;
  /** --silence-after: silence began this long before the alarm. */
  afterMs: number;
  now: () => number;
  log: (line: string) => void;
  ca?: string | Buffer;
  refreshMs?: number;
  /** The request (tests); default: sendReport over pinned TLS. */
  send?: (target: string, signal: AbortSignal) => Promise<ReportAnswer>;
}

export type Outcome = 'recorded' | 'unsupported' | 'refused' | 'failed';

/** What an answer means for the reporter, and the words for the log. Pure. */
export function judge(answer: ReportAnswer): { outcome: Outcome; words: string } {
  if (!answer.ok) return { outcome: 'failed', words: answer.message };
  const text = answer.body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 120);
  if (answer.status === 401) return { outcome: 'refused', words: 'the server refused the source credentials (401)' };
  if (answer.status >= 200 && answer.status < 300) {
    return /<return>\s*1\s*<\/return>/.test(answer.body) ? { outcome: 'recorded', words: text } : { outcome: 'unsupported', words: text || `status ${answer.status}` };
  }
  if (answer.status >= 500) return { outcome: 'failed', words: `status ${answer.status} ${text}` };
  return { outcome: 'refused', words: `status ${answer.status} ${text}`.trim() };
}

export class SilenceReporter {
  readonly #o: SilenceReporterOptions;
  #live = false;
  #silent = false;
  #since: number | null = null;
  #busy = false;
  #again = false;
  #unsupported = false;
  #last: Outcome | null = null;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;
  readonly #abort = new AbortController();

  constructor(o: SilenceReporterOptions) {
    this.#o = o;
  }

  /** Feeds one status report of the agent. */
  observe(r: StatusReport): void {
    if (this.#stopped) return;
    const live = r.state === 'live';
    let send = false;
    if (live !== this.#live) {
      this.#live = live;
      this.#unsupported = false;
      if (this.#timer !== null) clearInterval(this.#timer);
      this.#timer = live ? setInterval(() => this.#send(), this.#o.refreshMs ?? REFRESH_MS) : null;
      send = live;
    }
    if (r.silent !== this.#silent) {
      this.#silent = r.silent;
      this.#since = r.silent ? this.#o.now() - this.#o.afterMs : null;
      send = send || live;
    }
    if (send) this.#send();
  }

  stop(): void {
    this.#stopped = true;
    this.#abort.abort();
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  #send(): void {
    if (!this.#live || this.#unsupported || this.#stopped) return;
    if (this.#busy) {
      this.#again = true;
      return;
    }
    this.#busy = true;
    const forSeconds = this.#since === null ? 0 : (this.#o.now() - this.#since) / 1000;
    const target = `/admin/metadata?${silenceQuery(this.#o.link.mount, this.#silent, forSeconds)}`;
    const send = this.#o.send ?? ((t: string, signal: AbortSignal) => sendReport({ link: this.#o.link, target: t, userAgent: this.#o.userAgent, ca: this.#o.ca, signal }));
    const answered = (answer: ReportAnswer): void => {
      if (this.#stopped) return;
      this.#busy = false;
      this.#note(judge(answer));
      if (this.#again) {
        this.#again = false;
        this.#send();
      }
    };
    void send(target, this.#abort.signal).then(answered, (error: unknown) => answered({ ok: false, message: String(error) }));
  }

  /** A log line when the outcome changes, not on every refresh. */
  #note({ outcome, words }: { outcome: Outcome; words: string }): void {
    if (outcome === 'unsupported') this.#unsupported = true;
    if (outcome === this.#last) return;
    const first = this.#last === null;
    this.#last = outcome;
    if (outcome === 'recorded') {
      if (!first) this.#o.log('silence reports reach the server again');
      return;
    }
    const what = {
      unsupported: `the server does not take silence reports (${words}); its dashboard will not show this input as silent`,
      refused: `the server refused the silence report: ${words}`,
      failed: `the silence report did not reach the server: ${words} (trying again in ${(this.#o.refreshMs ?? REFRESH_MS) / 1000} s)`,
    }[outcome];
    this.#o.log(what);
  }
}
