// `icegate source-link`: the one line a broadcaster needs, printed on the server. It carries the
// source port, the mount, the mount's source credentials and the pin of the gateway's
// certificate (RFC 7469 §2.4 pin-sha256 of its SubjectPublicKeyInfo), so `icegate push` checks the
// server before sending the password (docs/push.md).
import { createHash, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { formatSourceLink, isMountPath, isPin } from '../contracts/source-link.ts';
import { resolveSecrets, SecretsError } from '../config/secrets.ts';
import { UsageError, type Command } from './command.ts';
import { loadCliConfig } from './config-file.ts';
import { strictArgs } from './strict-args.ts';

export const sourceLinkCommand: Command = {
  name: 'source-link',
  summary: 'print the link "icegate push" needs to broadcast to a mount (credentials and pin)',
  help: [
    'Usage: icegate source-link --mount MOUNT [--host NAME] [--next-pin PIN] [-c FILE]',
    '',
    'Prints one sentence, then the source link as the last line of stdout:',
    '  icegate+tls://source:PASSWORD@HOST:PORT/MOUNT#pin-sha256=PIN',
    'PIN is the SHA-256 of the gateway certificate\'s public key (RFC 7469 pin-sha256):',
    'a renewal that keeps the key keeps the pin. The link contains the password: hand',
    'it over as you would the password.',
    '',
    'Options:',
    '  --mount MOUNT      the mount to broadcast to, e.g. /live.mp3',
    '  --host NAME        the name or address broadcasters reach this server by',
    '                     (default: relay.hostname, or this machine\'s name)',
    '  --next-pin PIN     also accept this key (a planned key change), or',
    '  --next-key FILE    the PEM certificate or public key of the next key',
    '  --no-pin           leave the pin out (the gateway has a certificate every',
    '                     system trusts)',
    '  -c, --config FILE  configuration file (default: ./gateway.yaml if it exists)',
    '  -h, --help         show this help',
  ].join('\n'),
  async run(args, io) {
    const { values } = strictArgs(args, {
      mount: { type: 'string' },
      host: { type: 'string' },
      'next-pin': { type: 'string' },
      'next-key': { type: 'string' },
      'no-pin': { type: 'boolean' },
      config: { type: 'string', short: 'c' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      io.out(this.help);
      return 0;
    }
    const mount = values.mount;
    if (mount === undefined || !isMountPath(mount)) throw new UsageError('--mount must be a mount name such as /live.mp3');
    if (values['next-pin'] !== undefined && !isPin(values['next-pin'])) throw new UsageError('--next-pin is a base64 SHA-256: 44 characters ending in "="');
    const loaded = await loadCliConfig(values.config ?? null, io);
    if (loaded === null) return 1;
    const { config } = loaded;
    let sourcePassword: string;
    try {
      sourcePassword = (await resolveSecrets(config)).secrets.sourcePassword;
    } catch (error) {
      if (!(error instanceof SecretsError)) throw error;
      io.err(`icegate source-link: ${error.message}`);
      return 1;
    }
    const own = config.relay.mounts[mount];
    const user = own?.username ?? config.relay.auth.sourceUser;
    const password = own?.password ?? sourcePassword;
    const pins: string[] = [];
    if (!values['no-pin']) {
      const { ensureServerCertificate } = await import('../gateway/tls/files.ts');
      const cert = await ensureServerCertificate(config.gateway.tls, config.stateDir);
      pins.push(pinOf(await readFile(cert.paths.cert, 'utf8')));
      if (values['next-pin'] !== undefined) pins.push(values['next-pin']);
      if (values['next-key'] !== undefined) pins.push(pinOf(await readFile(values['next-key'], 'utf8')));
    }
    const host = values.host ?? defaultHost(config.relay.hostname);
    const link = formatSourceLink({ user, password, host, port: config.gateway.source.port, mount, pins: [...new Set(pins)] });
    io.out(`Broadcast to ${mount} from the studio machine with: icegate push --input alsa:default '<link>' (see icegate push --help; the link holds the source password):`);
    io.out(link);
    return 0;
  },
};

/** pin-sha256 of a PEM certificate or public key: base64(SHA-256(SPKI DER)), RFC 7469 §2.4. */
export function pinOf(pem: string): string {
  const spki = pem.includes('BEGIN CERTIFICATE')
    ? new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' })
    : Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return createHash('sha256').update(spki).digest('base64');
}

function defaultHost(configured: string): string {
  if (configured !== 'localhost' && configured !== '127.0.0.1' && configured !== '') return configured;
  const name = hostname();
  return /^[A-Za-z0-9.-]+$/.test(name) ? name : configured;
}
