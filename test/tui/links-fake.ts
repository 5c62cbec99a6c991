// Links in the fake control API (fake-control.ts), as contracts/links.ts describes them: made,
// listed newest first, revoked; every refusal code of the contract answered like the real API.
import { randomBytes } from 'node:crypto';
import type { ActionResult } from '../../contracts/control-api.ts';
import { LINK_LABEL_MAX, LINK_MAX_LISTENERS_MAX, LINK_TTL_MAX_SECONDS, LINK_TTL_MIN_SECONDS, type LinkResult, type LinksPage, type LinkView } from '../../contracts/links.ts';
import { NOW } from './fixtures.ts';

export type LinkAnswer = { status: number; result: ActionResult | LinkResult };

const refuse = (status: number, code: string, message: string): LinkAnswer => ({ status, result: { ok: false, error: { code, message } } });

export class FakeLinks {
  links: LinkView[] = [];
  /** Mounts with `auth: token`; others answer 409 mount-not-token. */
  readonly tokenMounts = new Set(['/live.mp3']);
  origin = 'https://radio.example:8443';
  /** Answered once to the next POST or DELETE under /v1/links instead of the usual answer. */
  next: LinkAnswer | null = null;
  #count = 0;

  constructor(private readonly mounts: () => readonly string[]) {}

  page(): LinksPage {
    return { links: this.links };
  }

  /** The answer to a POST or DELETE under /v1/links, or null for any other path. */
  answer(method: string, path: string, body: unknown): LinkAnswer | null {
    if (this.next !== null && path.startsWith('/v1/links')) {
      const answer = this.next;
      this.next = null;
      return answer;
    }
    if (method === 'POST' && path === '/v1/links') return this.#create(body);
    const revoke = /^\/v1\/links\/([^/]+)$/.exec(path);
    if (method === 'DELETE' && revoke !== null) {
      const id = decodeURIComponent(revoke[1]!);
      const link = this.links.find((l) => l.id === id);
      if (link === undefined) return refuse(404, 'unknown-link', `no link ${id}`);
      link.revoked = true;
      link.listeners = 0;
      return { status: 200, result: { ok: true, link } };
    }
    return null;
  }

  /** A link as the real API makes it, with a token as long as a real one (so the QR code is real-sized). */
  make(partial: Partial<LinkView> & Pick<LinkView, 'label' | 'mount'>): LinkView {
    this.#count += 1;
    const id = `link${String(this.#count).padStart(4, '0')}`;
    const token = `k1.${Buffer.from(JSON.stringify([1, partial.mount, 1772971200, 0, randomBytes(16).toString('base64url')])).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
    return {
      id,
      url: `${this.origin}/t/${token}${partial.mount}`,
      pageUrl: `${this.origin}/t/${token}/`,
      createdAt: NOW,
      expiresAt: new Date(Date.parse(NOW) + 7 * 86400_000).toISOString(),
      maxListeners: null,
      revoked: false,
      expired: false,
      listeners: 0,
      lastUsedAt: null,
      ...partial,
    };
  }

  #create(body: unknown): LinkAnswer {
    const b = (body ?? {}) as { mount?: unknown; label?: unknown; ttlSeconds?: unknown; maxListeners?: unknown };
    if (typeof b.label !== 'string' || b.label.trim() === '' || b.label.length > LINK_LABEL_MAX || /[\u0000-\u001f\u007f-\u009f]/.test(b.label)) return refuse(400, 'bad-request', 'label: 1 to 80 characters, no control characters');
    if (typeof b.ttlSeconds !== 'number' || !Number.isInteger(b.ttlSeconds) || b.ttlSeconds < LINK_TTL_MIN_SECONDS || b.ttlSeconds > LINK_TTL_MAX_SECONDS) return refuse(400, 'bad-request', 'ttlSeconds out of range');
    const max = b.maxListeners ?? null;
    if (max !== null && (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > LINK_MAX_LISTENERS_MAX)) return refuse(400, 'bad-request', 'maxListeners out of range');
    if (typeof b.mount !== 'string' || !this.mounts().includes(b.mount)) return refuse(404, 'unknown-mount', `no mount ${String(b.mount)}`);
    if (!this.tokenMounts.has(b.mount)) return refuse(409, 'mount-not-token', `${b.mount} has no auth: token`);
    const link = this.make({ label: b.label, mount: b.mount, maxListeners: max, expiresAt: new Date(Date.parse(NOW) + b.ttlSeconds * 1000).toISOString() });
    this.links = [link, ...this.links];
    return { status: 200, result: { ok: true, link } };
  }
}
