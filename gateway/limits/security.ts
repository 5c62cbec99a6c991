// The gateway's security state as the supervisor and the dashboard see it (contracts/control-api.ts
// GatewaySecurityApi): refusals by reason and the newest of them, the bans in force, the server
// certificate's expiry; and the operator's ban and unban. A ban closes every open connection of
// the address on every port (connection-tracker.ts) and refuses new ones at connect. A credential
// block the limiter imposes is listed too, and with gateway.rateLimit.closeOnBan closes the
// address's connections as well. Addresses are kept whole in memory; what the view shows of a
// listener is cut when gateway.privacy.anonymizeIps is on.
import type { EventEmitter } from 'node:events';
import type { Server } from 'node:net';
import type { Redis } from 'ioredis';
import type { PortRole } from '../../policies/types.ts';
import type { BanView, AcmeView, CertificateView, GatewaySecurityApi, SecurityView } from '../../contracts/control-api.ts';
import { OperatorBans, type Ban } from './bans.ts';
import { certificateInfo, daysUntilExpiry } from '../tls/cert-info.ts';
import type { NowClock } from './connection-limits.ts';
import { ipKey } from './ip-key.ts';
import { anonymizeIp } from '../privacy.ts';
import type { Attempt, Channel, CredentialLimiter } from './rate-limit.ts';
import { RefusalLog } from './refusals.ts';
import { ConnectionTracker } from './connection-tracker.ts';
import type { GatewayEvents } from '../context.ts';
import { errorId } from '../ports/respond.ts';

export interface GatewaySecurityOptions {
  readonly events: EventEmitter<GatewayEvents>;
  readonly clock: NowClock;
  readonly limiter: CredentialLimiter;
  /** gateway.rateLimit.closeOnBan. */
  readonly closeOnBan: boolean;
  /** gateway.privacy.anonymizeIps. */
  readonly anonymizeIps: boolean;
  /** Shares operator bans (gateway.rateLimit.store: redis). */
  readonly redis?: Redis | null;
  readonly prefix?: string;
  readonly syncMs?: number;
  /** gateway.limits.connectionsPerAddress, read at each accept (a reload applies to the next connection). */
  connectionsPerAddress?(): number | null;
  /** The server certificate in service (PEM), read on every view so a renewal shows at once. */
  certificatePem(): string | null;
  /** ACME's state, when gateway.tls.acme is on. */
  acme?: () => AcmeView | null;
}

interface Block {
  readonly key: string;
  until: number;
  role: PortRole;
  /** The attempts that led to it, for an unban to reset (user names are hashed by the limiter). */
  readonly attempts: Map<string, Attempt>;
}

/** Credential blocks remembered for the view; past it the oldest is forgotten (the limiter still holds it). */
const MAX_BLOCKS = 10_000;
const ROLE_OF_CHANNEL: Readonly<Record<Channel, PortRole>> = { source: 'source', admin: 'admin', listener: 'listener', token: 'listener' };

export class GatewaySecurity implements GatewaySecurityApi {
  readonly connections: ConnectionTracker;
  #o: GatewaySecurityOptions;
  readonly #refusals = new RefusalLog();
  readonly #bans: OperatorBans;
  readonly #blocks = new Map<string, Block>();
  #cert: { pem: string; info: ReturnType<typeof certificateInfo> } | null = null;

  /** A reload: blocks after this close (or leave) connections; listener addresses show cut (or whole). */
  reconfigure(settings: Pick<GatewaySecurityOptions, 'closeOnBan' | 'anonymizeIps'>): void {
    this.#o = { ...this.#o, closeOnBan: settings.closeOnBan, anonymizeIps: settings.anonymizeIps };
  }

  constructor(o: GatewaySecurityOptions) {
    this.#o = o;
    this.connections = new ConnectionTracker({
      refuses: (ip) => this.#bans.banned(ip),
      refused: (role, ip) => o.events.emit('deny', { role, ip, code: 'GW_BANNED', reason: 'the address is banned', id: errorId() }),
      perAddress: () => this.#o.connectionsPerAddress?.() ?? null,
      capped: (role, ip) =>
        o.events.emit('deny', { role, ip, code: 'GW_TOO_MANY_CONNECTIONS', reason: 'the address holds gateway.limits.connectionsPerAddress connections', id: errorId() }),
    });
    this.#bans = new OperatorBans({
      clock: o.clock,
      redis: o.redis ?? null,
      ...(o.prefix === undefined ? {} : { prefix: o.prefix }),
      ...(o.syncMs === undefined ? {} : { syncMs: o.syncMs }),
      onBanned: (ban) => this.#banned(ban),
      onError: (message) => o.events.emit('limiter-error', { message }),
    });
    o.events.on('deny', (d) => this.#refusals.add({ at: new Date(o.clock.now()), role: d.role, ip: this.#show(d.role, d.ip), code: d.code }));
    o.limiter.onBlock((attempt, state) => this.#blocked(attempt, state.retryAfterSeconds));
  }

  /** Tracks a port's connections: refused at connect when banned, closed by a ban. */
  track(server: Server, role: PortRole): void {
    this.connections.track(server, role);
  }

  /** Starts following the shared bans (Redis store). */
  start(): void {
    this.#bans.start();
  }

  close(): void {
    this.#bans.stop();
  }

  view(): SecurityView {
    const now = this.#o.clock.now();
    const bans: BanView[] = this.#bans.list().map((b) => ({ ip: b.key, until: iso(b.until), reason: 'operator' }));
    for (const block of [...this.#blocks.values()]) {
      if (block.until <= now) this.#blocks.delete(block.key);
      else bans.push({ ip: this.#showKey(block.role, block.key), until: iso(block.until), reason: 'rate-limited' });
    }
    return { counts: this.#refusals.counts(), recent: this.#refusals.recent(), bans, certificate: this.#certificate(now) };
  }

  /** Throws RangeError for an invalid address or duration; nothing changes then. */
  // The operator's words stay in the supervisor's audit log; the view's reason is "operator".
  async ban(ip: string, seconds: number | null, _reason: string): Promise<void> {
    await this.#bans.ban(ip, seconds);
  }

  async unban(ip: string): Promise<boolean> {
    const key = ipKey(ip) ?? ip;
    let lifted = await this.#bans.unban(ip);
    const block = this.#blocks.get(key);
    if (block) {
      this.#blocks.delete(key);
      await Promise.all([...block.attempts.values()].map((a) => this.#o.limiter.reset(a))).catch((err: unknown) =>
        this.#o.events.emit('limiter-error', { message: `lifting the block of ${key}: ${(err as Error).message}` }),
      );
      lifted = true;
    }
    if (lifted) this.#o.events.emit('unban', { ip: key });
    return lifted;
  }

  #banned(ban: Ban): void {
    const closed = this.connections.closeAddress(ban.key.replace(/\/64$/, ''));
    this.#o.events.emit('ban', { ip: ban.key, role: null, reason: 'operator', until: iso(ban.until), closed });
  }

  #blocked(attempt: Attempt, retryAfterSeconds: number): void {
    const key = ipKey(attempt.ip);
    if (key === null) return;
    const until = this.#o.clock.now() + retryAfterSeconds * 1000;
    const role = ROLE_OF_CHANNEL[attempt.channel];
    const stale = this.#blocks.get(key);
    if (stale && stale.until <= this.#o.clock.now()) this.#blocks.delete(key);
    const known = this.#blocks.get(key);
    const block = known ?? { key, until, role, attempts: new Map<string, Attempt>() };
    block.until = Math.max(block.until, until);
    block.attempts.set(`${attempt.channel}|${attempt.user}`, attempt);
    if (!known) {
      if (this.#blocks.size >= MAX_BLOCKS) this.#blocks.delete(this.#blocks.keys().next().value!);
      this.#blocks.set(key, block);
    }
    // Every further failure while blocked reports the block again; one line and one close per block.
    if (known) return;
    const closed = this.#o.closeOnBan ? this.connections.closeAddress(attempt.ip) : 0;
    this.#o.events.emit('ban', { ip: key, role, reason: 'rate-limited', until: iso(block.until), closed });
  }

  #show(role: PortRole, ip: string): string {
    return this.#o.anonymizeIps && role === 'listener' ? anonymizeIp(ip) : ip;
  }

  #showKey(role: PortRole, key: string): string {
    if (!this.#o.anonymizeIps || role !== 'listener') return key;
    return key.endsWith('/64') ? `${anonymizeIp(key.slice(0, -3))}/48` : `${anonymizeIp(key)}/24`;
  }

  #certificate(now: number): CertificateView | null {
    const pem = this.#o.certificatePem();
    if (pem === null) return null;
    // A view is information: a certificate it cannot read is left out of it, never a failure.
    try {
      if (this.#cert?.pem !== pem) this.#cert = { pem, info: certificateInfo(pem) };
      const { info } = this.#cert;
      return {
        subject: info.subject.replace(/\n/g, ', '),
        issuer: info.issuer.replace(/\n/g, ', '),
        notAfter: info.notAfter.toISOString(),
        daysLeft: daysUntilExpiry(pem, new Date(now)),
        selfSigned: info.subject === info.issuer,
        acme: this.#o.acme?.() ?? null,
      };
    } catch {
      return null;
    }
  }
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
