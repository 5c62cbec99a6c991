// `icegate cert`: the gateway's certificates in <stateDir>/tls/ — a self-signed server
// certificate (the gateway watches it and uses a new one for new connections), the admin port's
// private CA, and admin client certificates issued by it (gateway/certs.ts, tls-files.ts).
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { UsageError, type Command } from './command.ts';
import { loadCliConfig } from './config-file.ts';
import { strictArgs, wholeNumber } from './strict-args.ts';

const help = [
  'Usage: icegate cert server [--names NAME,…] [--days N] [-c FILE]',
  '       icegate cert ca [--force] [-c FILE]',
  '       icegate cert client NAME [--out DIR] [--p12-password PASSWORD] [--days N] [-c FILE]',
  '',
  '  server  a new self-signed server certificate in <stateDir>/tls/server.crt and',
  '          .key, valid for localhost, 127.0.0.1, ::1 and the --names given; a',
  '          running gateway uses it for new connections',
  '  ca      the private CA of the admin port (<stateDir>/tls/admin-ca.crt); an',
  '          existing CA is only replaced with --force, which invalidates every',
  '          client certificate it issued',
  '  client  a client certificate for the admin port issued by that CA (created',
  '          when missing): NAME.crt and NAME.key, and NAME.p12 for browsers and',
  '          key chains when --p12-password is given',
  '',
  'Options:',
  '  --names NAME,…          host names or addresses the server certificate is for',
  '  --days N                validity (server 365, client 90)',
  '  --out DIR               where client files go (default <stateDir>/tls/clients)',
  '  --p12-password PASSWORD encrypt NAME.p12 with it (AES-256)',
  '  --force                 replace an existing CA',
  '  -c, --config FILE       configuration file (default: ./gateway.yaml if it exists)',
  '  -h, --help              show this help',
].join('\n');

export const certCommand: Command = {
  name: 'cert',
  summary: 'make the server certificate, the admin CA or admin client certificates',
  help,
  async run(args, io) {
    const { values, positionals } = strictArgs(
      args,
      {
        names: { type: 'string' },
        days: { type: 'string' },
        out: { type: 'string' },
        'p12-password': { type: 'string' },
        force: { type: 'boolean' },
        config: { type: 'string', short: 'c' },
        help: { type: 'boolean', short: 'h' },
      },
      true,
    );
    if (values.help) {
      io.out(help);
      return 0;
    }
    const [kind, name, ...rest] = positionals;
    if (rest.length > 0 || (kind !== 'client' && name !== undefined)) throw new UsageError('too many arguments');
    if (kind !== 'server' && kind !== 'ca' && kind !== 'client') throw new UsageError('say which: server, ca or client NAME');
    if (kind === 'client' && name === undefined) throw new UsageError('cert client needs a NAME, e.g. alice@laptop');
    const loaded = await loadCliConfig(values.config ?? null, io);
    if (loaded === null) return 1;
    // node-forge only for certificate work: every icegate process imports this command.
    const { certificateInfo } = await import('../gateway/tls/cert-info.ts');
    const { createCa, createSelfSignedServerCert, issueClientCert, toPkcs12 } = await import('../gateway/tls/certs.ts');
    const { adminCaPaths, ensureAdminCa, readPair, selfSignedPaths, tlsDir, writePair } = await import('../gateway/tls/files.ts');
    const stateDir = loaded.config.stateDir;
    await mkdir(tlsDir(stateDir), { recursive: true, mode: 0o700 });
    if (kind === 'server') {
      const names = values.names === undefined ? [] : values.names.split(',').map((n) => n.trim()).filter((n) => n !== '');
      const pair = attempt(() => createSelfSignedServerCert({ names, days: wholeNumber(values.days, 'days', 365, 1) }));
      const paths = selfSignedPaths(stateDir);
      await writePair(paths, pair);
      io.out(`wrote ${paths.cert} and ${paths.key}`);
      io.out(`SHA-256 ${certificateInfo(pair.certPem).fingerprint256}`);
      if (loaded.config.gateway.tls.cert !== null) io.err(`note: gateway.tls.cert is set, so the gateway uses ${loaded.config.gateway.tls.cert}, not this certificate`);
      return 0;
    }
    if (kind === 'ca') {
      const paths = adminCaPaths(stateDir);
      const existing = await readPair(paths).catch(() => null);
      if (existing && !values.force) {
        io.err(`icegate cert: ${paths.cert} exists; --force replaces it and invalidates every client certificate it issued`);
        return 1;
      }
      await writePair(paths, createCa());
      io.out(`wrote ${paths.cert} and ${paths.key}`);
      return 0;
    }
    const days = wholeNumber(values.days, 'days', 90, 1);
    const ca = await ensureAdminCa(stateDir);
    if (ca.generated) io.out(`created the admin CA ${ca.paths.cert}`);
    const caPair = await readPair(ca.paths);
    const client = attempt(() => issueClientCert(caPair, { commonName: name!, days }));
    const out = values.out === undefined ? join(tlsDir(stateDir), 'clients') : resolve(values.out);
    await mkdir(out, { recursive: true, mode: 0o700 });
    const base = join(out, name!.replace(/[^A-Za-z0-9._@-]/g, '_'));
    await writeFile(`${base}.key`, client.keyPem, { mode: 0o600 });
    await writeFile(`${base}.crt`, client.certPem, { mode: 0o644 });
    const written = [`${base}.crt`, `${base}.key`];
    if (values['p12-password'] !== undefined) {
      await writeFile(`${base}.p12`, toPkcs12(client, caPair.certPem, values['p12-password']), { mode: 0o600 });
      written.push(`${base}.p12`);
    }
    io.out(`wrote ${written.join(', ')}`);
    if (!loaded.config.gateway.admin.clientCertificates) io.err('note: gateway.admin.clientCertificates is false, so the admin port does not ask for it yet');
    return 0;
  },
};

/** Bad names or days from the command line are usage errors. */
function attempt<T>(make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }
}
