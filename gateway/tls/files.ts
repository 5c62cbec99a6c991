// Where the gateway's certificates live on disk. With gateway.tls.cert and key left null, a
// self-signed server certificate is generated on first start into <stateDir>/tls/; the admin
// port's private CA is generated there too the first time client certificates are required.
// Keys are written owner-only, through a temporary file renamed into place, so a crash never
// leaves half a key behind.
import { randomBytes } from 'node:crypto';
import { access, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { KeyAndCert } from './certs.ts';

export interface PemPaths {
  readonly cert: string;
  readonly key: string;
}

export interface Ensured {
  readonly paths: PemPaths;
  /** True when this call created the files. */
  readonly generated: boolean;
}

export function tlsDir(stateDir: string): string {
  return join(stateDir, 'tls');
}

export function selfSignedPaths(stateDir: string): PemPaths {
  return { cert: join(tlsDir(stateDir), 'server.crt'), key: join(tlsDir(stateDir), 'server.key') };
}

export function adminCaPaths(stateDir: string): PemPaths {
  return { cert: join(tlsDir(stateDir), 'admin-ca.crt'), key: join(tlsDir(stateDir), 'admin-ca.key') };
}

/** The configured files, or the self-signed pair in stateDir (generated when missing). */
export async function ensureServerCertificate(configured: { cert: string | null; key: string | null }, stateDir: string): Promise<Ensured> {
  if (configured.cert !== null && configured.key !== null) return { paths: { cert: configured.cert, key: configured.key }, generated: false };
  return ensurePair(selfSignedPaths(stateDir), stateDir, selfSigned);
}

export async function ensureAdminCa(stateDir: string): Promise<Ensured> {
  return ensurePair(adminCaPaths(stateDir), stateDir, (certs) => certs.createCa());
}

export async function readPair(paths: PemPaths): Promise<KeyAndCert> {
  const [certPem, keyPem] = await Promise.all([readFile(paths.cert, 'utf8'), readFile(paths.key, 'utf8')]);
  return { certPem, keyPem };
}

/** Writes a pair in place: the key 0600, the certificate 0644, each renamed over the old file. */
export async function writePair(paths: PemPaths, pair: KeyAndCert): Promise<void> {
  await writeAtomically(paths.key, pair.keyPem, 0o600);
  await writeAtomically(paths.cert, pair.certPem, 0o644);
}

type Certs = typeof import('./certs.ts');

async function ensurePair(paths: PemPaths, stateDir: string, make: (certs: Certs) => KeyAndCert): Promise<Ensured> {
  if ((await exists(paths.cert)) && (await exists(paths.key))) return { paths, generated: false };
  await mkdir(tlsDir(stateDir), { recursive: true, mode: 0o700 });
  // node-forge is loaded only when a certificate is actually made.
  await writePair(paths, make(await import('./certs.ts')));
  return { paths, generated: true };
}

/** Valid for this machine's name when it is a usable DNS name, and always for localhost. */
function selfSigned(certs: Certs): KeyAndCert {
  try {
    return certs.createSelfSignedServerCert({ names: [hostname()] });
  } catch {
    return certs.createSelfSignedServerCert();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

async function writeAtomically(path: string, text: string, mode: number): Promise<void> {
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}
