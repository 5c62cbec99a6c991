// The operator's links (contracts/links.ts, docs/links.md): made, listed and revoked through the
// control API. The supervisor owns <stateDir>/links.json (private, written atomically) and sends
// the gateway the whole table after every change and whenever a gateway becomes ready, so the
// gateway admits and cuts by it; the gateway also reads the file at its own start. A revocation
// or an expiry cuts the link's stream players in the gateway (its table) and its HLS sessions in
// the relay (kicked here, by the link id the relay lists them with).
import { mkdir } from 'node:fs/promises';
import type { Config } from '../../config/schema.ts';
import { tokenKeyring } from '../../config/secrets.ts';
import { writePrivateFile } from '../../config/private-file.ts';
import { LINKS_MAX, linksPath, readLinkStore, renderLinkStore, toGatewayLink, type LinkRecord } from '../../contracts/link-store.ts';
import type { LinkView } from '../../contracts/links.ts';
import { newTokenId, StreamTokens } from '../../policies/tokens.ts';
import type { Clock, Timer } from '../../stream/clock.ts';
import type { ListenerStats } from '../../stream/types.ts';
import { ControlError } from '../errors.ts';
import type { LinkRequest } from './request.ts';
import { later, linkView, newestFirst, publicOrigin, withoutStale } from './view.ts';

/** What the service asks of a running child; null when it is not running. */
export interface ChildPort {
  request(method: string, params: Record<string, unknown>): Promise<unknown>;
}

export interface LinkServiceDeps {
  stateDir: string;
  /** The configuration in force. */
  config(): Config;
  clock: Clock;
  gateway(): ChildPort | null;
  relay(): ChildPort | null;
  /** The gateway's bound HTTPS listener port, once it is ready. */
  gatewayTlsPort(): number | null;
  /** Mounts the relay has now (a source may create one the configuration does not name). */
  liveMounts(): Iterable<string>;
  /** A line for the supervisor's log: the id and what happened, never the token. */
  log(line: string): void;
  /** Default LINKS_MAX. */
  maxLinks?: number;
}

/** setTimeout cannot wait a year: expiry timers are armed again every few hours. */
const MAX_TIMER_MS = 6 * 3600 * 1000;
/** The gateway's last uses are written to the file this often too, so a gateway restart loses little. */
const USAGE_SYNC_MS = 60_000;

export class LinkService {
  #records: LinkRecord[];
  readonly #timers = new Map<string, Timer>();
  #usageTimer: Timer | null = null;
  readonly #d: LinkServiceDeps;
  #writes: Promise<void> = Promise.resolve();

  private constructor(d: LinkServiceDeps, records: LinkRecord[]) {
    this.#d = d;
    this.#records = records;
    for (const r of records) if (!r.revoked) this.#arm(r);
    this.#syncEvery();
  }

  /** Reads the links file; one that does not parse throws LinkStoreError and nothing starts. */
  static async open(d: LinkServiceDeps): Promise<LinkService> {
    const records = await readLinkStore(linksPath(d.stateDir));
    return new LinkService(d, withoutStale(records, d.clock.now()));
  }

  async create(req: LinkRequest): Promise<LinkView> {
    const config = this.#d.config();
    const tokenMount = config.gateway.mounts[req.mount];
    const known = new Set([...Object.keys(config.relay.mounts), ...Object.keys(config.gateway.mounts), ...this.#d.liveMounts()]);
    if (!known.has(req.mount)) throw new ControlError('unknown-mount', req.mount);
    if (tokenMount?.auth !== 'token') throw new ControlError('mount-not-token', `${req.mount} has no auth: token in gateway.mounts`);
    const tokens = new StreamTokens(await tokenKeyring(config, { stateDir: this.#d.stateDir }));
    // Nothing awaited from here until the record is in: two creations at once both count and both stay.
    const now = this.#d.clock.now();
    const records = withoutStale(this.#records, now);
    if (records.length >= (this.#d.maxLinks ?? LINKS_MAX)) throw new ControlError('too-many-links', `${records.length} links are kept; revoked and expired ones go a week after their expiry`);
    const id = newTokenId();
    const token = tokens.mint({ mount: req.mount, ttlSeconds: req.ttlSeconds, maxUses: req.maxListeners ?? 0, id }, now);
    const record: LinkRecord = {
      id,
      label: req.label,
      mount: req.mount,
      token,
      createdAt: new Date(now).toISOString(),
      // The token's own expiry: whole seconds (policies/tokens.ts).
      expiresAt: new Date((Math.floor(now / 1000) + req.ttlSeconds) * 1000).toISOString(),
      maxListeners: req.maxListeners,
      revoked: false,
      lastUsedAt: null,
    };
    this.#records = [...records, record];
    await this.#save();
    this.#arm(record);
    await this.#push();
    return this.#view(record, 0);
  }

  /** Every link kept, newest first, with its players now and its last use. */
  async list(): Promise<LinkView[]> {
    await this.#syncUsage();
    const counts = await this.#playerCounts(new Set(this.#records.map((r) => r.mount)));
    return newestFirst(this.#records).map((r) => this.#view(r, counts.get(r.id) ?? 0));
  }

  /** Revokes the link (again: idempotent) and cuts its players. */
  async revoke(id: string): Promise<LinkView> {
    const found = this.#records.find((r) => r.id === id);
    if (!found) throw new ControlError('unknown-link', id.slice(0, 64));
    const record = found.revoked ? found : { ...found, revoked: true };
    if (record !== found) {
      this.#records = this.#records.map((r) => (r === found ? record : r));
      this.#timers.get(id)?.cancel();
      this.#timers.delete(id);
      await this.#save();
    }
    await this.#push();
    await this.#cutRelay(record, 'revoked');
    return this.#view(record, 0);
  }

  /** The label of a link id, for listener lists; null when no link has it. */
  label(id: string): string | null {
    return this.#records.find((r) => r.id === id)?.label ?? null;
  }

  /** A gateway became ready: it gets the table (it read the file at start; this closes the gap). */
  gatewayReady(): void {
    void this.#push();
  }

  close(): void {
    for (const t of this.#timers.values()) t.cancel();
    this.#timers.clear();
    this.#usageTimer?.cancel();
    this.#usageTimer = null;
  }

  #syncEvery(): void {
    this.#usageTimer = this.#d.clock.after(USAGE_SYNC_MS, () => {
      void this.#syncUsage().finally(() => {
        if (this.#usageTimer !== null) this.#syncEvery();
      });
    });
  }

  #view(r: LinkRecord, listeners: number): LinkView {
    return linkView(r, publicOrigin(this.#d.config(), this.#d.gatewayTlsPort()), listeners, this.#d.clock.now());
  }

  /** One write at a time, each the whole file. */
  #save(): Promise<void> {
    const text = renderLinkStore(this.#records);
    const file = linksPath(this.#d.stateDir);
    const write = this.#writes.then(async () => {
      await mkdir(this.#d.stateDir, { recursive: true, mode: 0o700 });
      await writePrivateFile(file, text);
    });
    this.#writes = write.catch(() => {});
    return write;
  }

  /** The table to the gateway; a gateway that is down reads the file when it starts. */
  async #push(): Promise<void> {
    const gateway = this.#d.gateway();
    if (!gateway) return;
    try {
      await gateway.request('links', { links: this.#records.map(toGatewayLink) });
    } catch (err) {
      this.#d.log(`links: the gateway did not take the table: ${(err as Error).message}`);
    }
  }

  /** Merges the gateway's last uses into the records (and the file, when one changed). */
  async #syncUsage(): Promise<void> {
    const usage = (await this.#d
      .gateway()
      ?.request('link-usage', {})
      .catch(() => null)) as Record<string, { lastUsedAt: number | null }> | null | undefined;
    if (!usage) return;
    let changed = false;
    this.#records = this.#records.map((r) => {
      const used = usage[r.id]?.lastUsedAt;
      const next = later(r.lastUsedAt, typeof used === 'number' ? new Date(used).toISOString() : null);
      if (next === r.lastUsedAt) return r;
      changed = true;
      return { ...r, lastUsedAt: next };
    });
    if (changed) await this.#save().catch((err: unknown) => this.#d.log(`links: cannot write ${linksPath(this.#d.stateDir)}: ${(err as Error).message}`));
  }

  /** Players per link id now, over `mounts`, as the relay lists them (the edge's and HLS). */
  async #playerCounts(mounts: Set<string>): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const l of await this.#listeners(mounts)) if (l.linkId !== undefined) counts.set(l.linkId, (counts.get(l.linkId) ?? 0) + 1);
    return counts;
  }

  async #listeners(mounts: Set<string>): Promise<ListenerStats[]> {
    const relay = this.#d.relay();
    if (!relay) return [];
    const all: ListenerStats[] = [];
    for (const mount of mounts) {
      const got = await relay.request('listeners', { mount }).catch(() => []);
      if (Array.isArray(got)) all.push(...(got as ListenerStats[]));
    }
    return all;
  }

  /** Kicks in the relay whoever is listed with the link: its HLS sessions (the gateway cuts its streams itself). */
  async #cutRelay(r: LinkRecord, why: 'revoked' | 'expired'): Promise<void> {
    const relay = this.#d.relay();
    if (!relay) return;
    const players = (await this.#listeners(new Set([r.mount]))).filter((l) => l.linkId === r.id);
    for (const l of players) await relay.request('kick', { mount: l.mount, id: l.id }).catch(() => {});
    this.#d.log(`link ${r.id} ${why}: ${players.length} player(s) listed by the relay cut`);
  }

  #arm(r: LinkRecord): void {
    const wait = Date.parse(r.expiresAt) - this.#d.clock.now();
    if (wait <= 0) return;
    this.#timers.set(
      r.id,
      this.#d.clock.after(Math.min(wait, MAX_TIMER_MS), () => {
        this.#timers.delete(r.id);
        const current = this.#records.find((x) => x.id === r.id);
        if (!current || current.revoked) return;
        if (Date.parse(current.expiresAt) > this.#d.clock.now()) return this.#arm(current);
        void this.#cutRelay(current, 'expired');
      }),
    );
  }
}
