// The certificate every TLS port presents, kept current. The PEM files are watched; when they
// change, the new pair is checked (parses, key matches, valid now: gateway/cert-info.ts) and
// handed to each server with setSecureContext, which "replaces the secure context of an existing
// server. Existing connections to the server are not interrupted" (Node docs;
// docs/gateway-security.md#certificate-reload): a renewed certificate never cuts a live stream. A pair that fails the check
// changes nothing; the old one stays in service.
import { EventEmitter } from 'node:events';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import tls from 'node:tls';
import { certificateInfo, checkKeyAndCert } from './cert-info.ts';
import type { KeyAndCert } from './certs.ts';
import type { TlsReloadEvent } from '../context.ts';
import { readPair, type PemPaths } from './files.ts';
import { secureOptions } from './options.ts';

/** Editors and certbot write the certificate and the key one after the other; wait for both. */
const SETTLE_MS = 150;

export interface TlsFiles {
  readonly server: PemPaths;
  /** The admin port's private CA certificate; null when client certificates are off. */
  readonly adminCa: string | null;
}

export class TlsContext extends EventEmitter<{ reload: [TlsReloadEvent] }> {
  readonly #servers = new Map<tls.Server, boolean>();
  readonly #watchers: FSWatcher[] = [];
  #pair: KeyAndCert;
  #caPem: string | null;
  #timer: NodeJS.Timeout | null = null;

  #files: TlsFiles;

  private constructor(
    files: TlsFiles,
    pair: KeyAndCert,
    caPem: string | null,
  ) {
    super();
    this.#files = files;
    this.#pair = pair;
    this.#caPem = caPem;
  }

  /** Reads and checks the files; throws CertificateError or a file-system error. */
  static async open(files: TlsFiles): Promise<TlsContext> {
    const { pair, caPem } = await load(files);
    return new TlsContext(files, pair, caPem);
  }

  /** Options for creating a server; `withCa` adds the private CA (admin port). */
  options(withCa = false): tls.SecureContextOptions {
    return secureOptions(this.#pair, withCa ? this.#caPem : null);
  }

  /** For banners and log lines: never throws, so showing the certificate can never stop a port from serving. */
  get fingerprint256(): string {
    try {
      return certificateInfo(this.#pair.certPem).fingerprint256;
    } catch {
      return 'unknown';
    }
  }

  /** A server to update on every reload. */
  attach(server: tls.Server, withCa = false): void {
    this.#servers.set(server, withCa);
  }

  get files(): TlsFiles {
    return this.#files;
  }

  /**
   * Serves another certificate and key from now on (ACME's, gateway/acme/), through the same
   * checks and the same setSecureContext as a reload; a refused pair leaves everything as it was.
   */
  async serveFiles(server: PemPaths): Promise<TlsReloadEvent> {
    const previous = this.#files;
    this.#files = { ...previous, server };
    const event = await this.reload();
    if (!event.ok) this.#files = previous;
    else if (this.#watchers.length > 0) {
      for (const w of this.#watchers.splice(0)) w.close();
      this.watch();
    }
    return event;
  }

  /** Starts following the files. The watchers never keep the process alive. */
  watch(): void {
    const paths = [this.files.server.cert, this.files.server.key, ...(this.files.adminCa === null ? [] : [this.files.adminCa])];
    const byDir = new Map<string, Set<string>>();
    for (const p of paths) byDir.set(dirname(p), (byDir.get(dirname(p)) ?? new Set()).add(basename(p)));
    // The directory, not the file: a renamed-over file is a new inode a file watch would miss.
    for (const [dir, names] of byDir) {
      const watcher = watch(dir, { persistent: false }, (_event, name) => {
        if (name !== null && names.has(name.toString())) this.#schedule();
      });
      watcher.on('error', (err) => this.emit('reload', { ok: false, error: `watching ${dir}: ${err.message}` }));
      this.#watchers.push(watcher);
    }
  }

  /** Loads the files again and, if they are good, puts them into service on every attached server. */
  async reload(): Promise<TlsReloadEvent> {
    let event: TlsReloadEvent;
    try {
      const { pair, caPem } = await load(this.#files);
      const candidates = [...this.#servers].map(([server, withCa]) => [server, secureOptions(pair, withCa ? caPem : null)] as const);
      // Built once up front: an option OpenSSL rejects fails here, before any server changed.
      for (const [, options] of candidates) tls.createSecureContext(options);
      for (const [server, options] of candidates) server.setSecureContext(options);
      this.#pair = pair;
      this.#caPem = caPem;
      event = { ok: true, fingerprint256: this.fingerprint256 };
    } catch (err) {
      event = { ok: false, error: (err as Error).message };
    }
    this.emit('reload', event);
    return event;
  }

  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    for (const w of this.#watchers.splice(0)) w.close();
  }

  #schedule(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.reload();
    }, SETTLE_MS);
    this.#timer.unref();
  }
}

async function load(files: TlsFiles): Promise<{ pair: KeyAndCert; caPem: string | null }> {
  const pair = checkKeyAndCert(await readPair(files.server));
  const caPem = files.adminCa === null ? null : await readCa(files.adminCa);
  return { pair, caPem };
}

async function readCa(path: string): Promise<string> {
  const pem = await readFile(path, 'utf8');
  if (!certificateInfo(pem).isCa) throw new Error(`${path} is not a CA certificate`);
  return pem;
}
