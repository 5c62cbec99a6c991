// What ACME leaves on disk, in <stateDir>/acme/ (0700): the account key and the current
// certificate chain with its key, every file 0600, each written whole or not at all
// (config/private-file.ts). A stored certificate is served on the next start without a new order.
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { writePrivateFile } from '../../config/private-file.ts';
import type { StoredCertificate } from './plan.ts';

export interface AcmePaths {
  readonly dir: string;
  readonly accountKey: string;
  readonly cert: string;
  readonly key: string;
}

export function acmePaths(stateDir: string): AcmePaths {
  const dir = join(stateDir, 'acme');
  return { dir, accountKey: join(dir, 'account.key'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
}

export async function readOptional(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export async function writeAccountKey(paths: AcmePaths, pem: string): Promise<void> {
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  await writePrivateFile(paths.accountKey, pem);
}

/** The key first: a certificate on disk always has its key beside it. */
export async function writeCertificate(paths: AcmePaths, pair: { certPem: string; keyPem: string }): Promise<void> {
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  await writePrivateFile(paths.key, pair.keyPem);
  await writePrivateFile(paths.cert, pair.certPem);
}

/** Facts of the leaf (first) certificate of a PEM chain; throws on anything unreadable. */
export function certificateFacts(chainPem: string): StoredCertificate & { issuer: string } {
  const leaf = new X509Certificate(firstPem(chainPem));
  const names = (leaf.subjectAltName ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4));
  return { notBefore: Date.parse(leaf.validFrom), notAfter: Date.parse(leaf.validTo), names, issuer: oneLine(leaf.issuer) };
}

function firstPem(chain: string): string {
  const end = '-----END CERTIFICATE-----';
  const i = chain.indexOf(end);
  if (i < 0) throw new Error('no PEM certificate');
  return chain.slice(0, i + end.length);
}

function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}
