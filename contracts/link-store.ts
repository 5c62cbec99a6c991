// The links file, <stateDir>/links.json: the operator's labelled invitations (contracts/links.ts),
// written by the supervisor (private, 0600, atomically) and read by the gateway at its start; the
// supervisor also sends the gateway the table itself whenever it changes (contracts/ipc.ts
// `links`), so a revocation reaches players at once (docs/links.md). A file that does not parse
// is an error naming the file, never an empty table: an empty table would reopen revoked links.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { mountName } from '../config/schema.ts';
import { LINK_LABEL_MAX, LINK_MAX_LISTENERS_MAX } from './links.ts';

export const LINKS_FILE = 'links.json';
/** Links the file holds at most, revoked and expired ones included. */
export const LINKS_MAX = 10_000;

export function linksPath(stateDir: string): string {
  return join(stateDir, LINKS_FILE);
}

/** The token id format (policies/tokens.ts): a link's id is its token's id. */
export const linkId = z.string().regex(/^[A-Za-z0-9_-]{22}$/);
const isoTime = z.iso.datetime();

export const linkRecord = z
  .object({
    id: linkId,
    label: z.string().min(1).max(LINK_LABEL_MAX),
    mount: mountName,
    /** The signed token (policies/tokens.ts); the file is private like secrets.yaml. */
    token: z.string().min(1).max(2048),
    createdAt: isoTime,
    expiresAt: isoTime,
    maxListeners: z.number().int().min(1).max(LINK_MAX_LISTENERS_MAX).nullable(),
    revoked: z.boolean(),
    lastUsedAt: isoTime.nullable(),
  })
  .strict();
export type LinkRecord = z.infer<typeof linkRecord>;

const linksFile = z.object({ version: z.literal(1), links: z.array(linkRecord).max(LINKS_MAX) }).strict();

/** What the gateway needs of a link to admit and cut its players: no label, no token. */
export const gatewayLink = z
  .object({
    id: linkId,
    mount: mountName,
    /** Milliseconds since the epoch. */
    expiresAt: z.number().int().nonnegative(),
    maxListeners: z.number().int().min(1).nullable(),
    revoked: z.boolean(),
  })
  .strict();
export type GatewayLink = z.infer<typeof gatewayLink>;
export const gatewayLinks = z.array(gatewayLink).max(LINKS_MAX);

export function toGatewayLink(r: LinkRecord): GatewayLink {
  return { id: r.id, mount: r.mount, expiresAt: Date.parse(r.expiresAt), maxListeners: r.maxListeners, revoked: r.revoked };
}

/** A links file that cannot be read or trusted; it is never overwritten, so no revocation is lost. */
export class LinkStoreError extends Error {
  override name = 'LinkStoreError';
}

/** The records of a links file's text; throws LinkStoreError naming `file` and what is wrong. */
export function parseLinkStore(text: string, file: string): LinkRecord[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new LinkStoreError(`${file}: not JSON (${(err as Error).message}); fix or remove it`);
  }
  const r = linksFile.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new LinkStoreError(`${file}: ${issue ? `${issue.path.join('.') || 'the file'}: ${issue.message}` : 'invalid'}; fix or remove it`);
  }
  const seen = new Set<string>();
  for (const l of r.data.links) {
    if (seen.has(l.id)) throw new LinkStoreError(`${file}: link ${l.id} appears twice; fix or remove it`);
    seen.add(l.id);
  }
  return r.data.links;
}

export function renderLinkStore(links: readonly LinkRecord[]): string {
  return `${JSON.stringify({ version: 1, links }, null, 1)}\n`;
}

/** The records in `file`; none when it does not exist. */
export async function readLinkStore(file: string): Promise<LinkRecord[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new LinkStoreError(`${file}: cannot read: ${(err as Error).message}`);
  }
  return parseLinkStore(text, file);
}
