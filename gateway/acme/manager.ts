// gateway.tls.acme at run time: serves the stored certificate at once when it is still good,
// orders a new one when there is none, the domains changed or two thirds of its lifetime passed
// (gateway/acme/plan.ts), and puts each new certificate into service through the same reload
// path as a certificate file edited by hand (gateway/tls/context.ts), so no stream is dropped.
// A failure never takes the current certificate away: it is logged with the ACME error, the
// domain and the challenge, and retried later with a growing delay.
import { EventEmitter } from 'node:events';
import type { Clock, Timer } from '../../stream/clock.ts';
import type { ChallengeBoard } from './challenges.ts';
import { AcmeError, type ChallengeType, type Issuer } from './client.ts';
import { MAX_WAIT_MS, planCertificate, renewalTime, retryDelay } from './plan.ts';
import { certificateFacts, readOptional, writeAccountKey, writeCertificate, type AcmePaths } from './store.ts';

export interface AcmeSettings {
  readonly domains: readonly string[];
  readonly email: string | null;
  readonly directory: string;
  readonly challenges: readonly ChallengeType[];
  readonly directoryCaPem: string | null;
}

export interface AcmeStatus {
  readonly state: 'starting' | 'ordering' | 'valid' | 'failing';
  readonly domains: readonly string[];
  /** Of the certificate ACME obtained (null while the self-signed one is served). */
  readonly issuer: string | null;
  readonly expiresAt: number | null;
  readonly nextAttemptAt: number | null;
  readonly failures: number;
  readonly lastError: string | null;
}

export interface AcmeLog {
  info(message: string): void;
  error(message: string): void;
}

export interface AcmeDeps {
  readonly settings: AcmeSettings;
  readonly paths: AcmePaths;
  readonly board: ChallengeBoard;
  readonly clock: Clock;
  readonly issue: Issuer;
  readonly log: AcmeLog;
  /** Puts the stored pair (paths.cert, paths.key) into service; resolves false when it was refused. */
  readonly install: () => Promise<{ ok: boolean; error?: string }>;
}

export class AcmeManager extends EventEmitter<{ status: [AcmeStatus] }> {
  readonly #d: AcmeDeps;
  #timer: Timer | null = null;
  #status: AcmeStatus;
  #running = false;
  #closed = false;

  constructor(deps: AcmeDeps) {
    super();
    this.#d = deps;
    this.#status = { state: 'starting', domains: deps.settings.domains, issuer: null, expiresAt: null, nextAttemptAt: null, failures: 0, lastError: null };
  }

  get status(): AcmeStatus {
    return this.#status;
  }

  /**
   * Serves a stored certificate that is still good, then plans in the background: start-up never
   * waits for the CA. Never throws.
   */
  async start(): Promise<void> {
    const stored = await this.#stored();
    const now = this.#d.clock.now();
    if (stored !== null && now < stored.notAfter && planCertificate(stored, this.#d.settings.domains, now).kind === 'wait') {
      const installed = await this.#d.install();
      if (installed.ok) {
        this.#set({ state: 'valid', issuer: stored.issuer, expiresAt: stored.notAfter });
        this.#d.log.info(`acme: serving the stored certificate for ${this.#d.settings.domains.join(', ')} (expires ${iso(stored.notAfter)})`);
      } else this.#d.log.error(`acme: the stored certificate was refused: ${installed.error ?? 'unknown error'}`);
    }
    this.#emitStatus();
    void this.#step();
  }

  #set(change: Partial<AcmeStatus>): void {
    this.#status = { ...this.#status, ...change };
    this.#emitStatus();
  }

  #emitStatus(): void {
    this.emit('status', this.#status);
  }

  close(): void {
    this.#closed = true;
    this.#timer?.cancel();
    this.#timer = null;
  }

  async #stored(): Promise<ReturnType<typeof certificateFacts> | null> {
    const pem = await readOptional(this.#d.paths.cert).catch(() => null);
    if (pem === null) return null;
    try {
      return certificateFacts(pem);
    } catch {
      return null;
    }
  }

  /** Plans from what is on disk now, then orders or waits. */
  async #step(): Promise<void> {
    if (this.#closed || this.#running) return;
    const stored = await this.#stored();
    const step = planCertificate(stored, this.#d.settings.domains, this.#d.clock.now());
    if (step.kind === 'wait') {
      this.#set({ nextAttemptAt: step.until });
      this.#wake(step.until);
      return;
    }
    await this.#order(step.reason);
  }

  async #order(reason: string): Promise<void> {
    this.#running = true;
    const s = this.#d.settings;
    const challenge = s.challenges[this.#status.failures % s.challenges.length] ?? 'http-01';
    this.#set({ state: 'ordering', nextAttemptAt: null });
    this.#d.log.info(`acme: ordering a certificate for ${s.domains.join(', ')} from ${s.directory} with ${challenge} (${reason})`);
    try {
      const accountKeyPem = await readOptional(this.#d.paths.accountKey);
      const issued = await this.#d.issue({ directory: s.directory, email: s.email, domains: s.domains, challenge, accountKeyPem, directoryCaPem: s.directoryCaPem, board: this.#d.board });
      if (accountKeyPem === null) await writeAccountKey(this.#d.paths, issued.accountKeyPem);
      const facts = certificateFacts(issued.certPem);
      await writeCertificate(this.#d.paths, issued);
      const installed = await this.#d.install();
      if (!installed.ok) throw new AcmeError(`the new certificate was refused: ${installed.error ?? 'unknown error'}`, null, null);
      this.#set({ state: 'valid', issuer: facts.issuer, expiresAt: facts.notAfter, failures: 0, lastError: null });
      this.#d.log.info(`acme: new certificate for ${s.domains.join(', ')} from ${facts.issuer}, expires ${iso(facts.notAfter)}, renewal from ${iso(renewalTime(facts))}`);
    } catch (err) {
      const failures = this.#status.failures + 1;
      const text = describe(err, s.domains, challenge);
      const retryAt = this.#d.clock.now() + retryDelay(failures);
      this.#set({ state: 'failing', failures, lastError: text, nextAttemptAt: retryAt });
      this.#d.log.error(`acme: ${text}; the current certificate stays in service; next attempt ${iso(retryAt)}`);
      this.#running = false;
      this.#wake(retryAt, true);
      return;
    }
    this.#running = false;
    await this.#step();
  }

  /** Sleeps until `at` in steps of at most a day; a retry wakes to order, a plan wakes to plan again. */
  #wake(at: number, retry = false): void {
    if (this.#closed) return;
    this.#timer?.cancel();
    const wait = Math.max(0, Math.min(at - this.#d.clock.now(), MAX_WAIT_MS));
    this.#timer = this.#d.clock.after(wait, () => {
      this.#timer = null;
      if (this.#d.clock.now() < at) return this.#wake(at, retry);
      void (retry ? this.#order('retry after a failure') : this.#step());
    });
  }
}

function describe(err: unknown, domains: readonly string[], challenge: ChallengeType): string {
  const domain = err instanceof AcmeError && err.domain !== null ? err.domain : domains.join(', ');
  const text = err instanceof Error ? err.message : String(err);
  return `order for ${domain} (challenge ${challenge}) failed: ${text}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
