// `icegate token`: the low-level tool under `icegate link`. It mints a signed stream link with the
// newest key of gateway.tokens.keys, offline, or revokes one by its id
// (<stateDir>/revoked-tokens.txt, which the gateway reads on each use). Operators use
// `icegate link` (cli/link.ts): labelled, listed, counted, and revoked at once on a running server.
import { randomBytes } from 'node:crypto';
import { revocationsPath, revokeInFile, isTokenId } from '../gateway/listener-auth/revocations.ts';
import { StreamTokens, tokenPath } from '../policies/tokens.ts';
import { isMount } from '../policies/classify.ts';
import { UsageError, type Command } from './command.ts';
import { loadCliConfig } from './config-file.ts';
import { tokenKeyring } from '../config/secrets.ts';
import { strictArgs, wholeNumber } from './strict-args.ts';

export const tokenCommand: Command = {
  name: 'token',
  summary: 'low-level: sign a stream link offline (operators: icegate link)',
  help: [
    'Usage: icegate token --mount MOUNT [--ttl SECONDS] [--max-uses N] [--base URL] [-c FILE]',
    '       icegate token --revoke ID [-c FILE]',
    '',
    'Low-level: for making, watching and revoking links on a running server use',
    '"icegate link" instead (labels, players counted, revocation that cuts players at once).',
    '',
    'Prints a stream link any player can open without a password prompt, e.g.',
    'https://radio.example:8443/t/<token>/live.mp3, signed with the last key of',
    'gateway.tokens.keys (or, with none configured, the key kept in the state',
    "directory's secrets.yaml). The link works until it expires; a stream opened before",
    'then keeps playing. Its id (printed to stderr) revokes it.',
    '',
    'Options:',
    '  --mount MOUNT      the mount the link opens, e.g. /live.mp3',
    '  --ttl SECONDS      how long the link can be opened (default 3600)',
    '  --max-uses N       listeners at once with this link; 0 = unlimited (default 0)',
    '  --base URL         scheme, host and port of the link (default:',
    '                     https://<relay.hostname>:<gateway.listener.tlsPort>)',
    '  --revoke ID        refuse the link with this id from now on',
    '  -c, --config FILE  configuration file (default: ./gateway.yaml if it exists)',
    '  -h, --help         show this help',
  ].join('\n'),
  async run(args, io) {
    const { values } = strictArgs(args, {
      mount: { type: 'string' },
      ttl: { type: 'string' },
      'max-uses': { type: 'string' },
      base: { type: 'string' },
      revoke: { type: 'string' },
      config: { type: 'string', short: 'c' },
      help: { type: 'boolean', short: 'h' },
    });
    if (values.help) {
      io.out(this.help);
      return 0;
    }
    if ((values.revoke === undefined) === (values.mount === undefined)) throw new UsageError('give either --mount or --revoke');
    if (values.revoke !== undefined && !isTokenId(values.revoke)) throw new UsageError('a token id is 22 characters of A-Z a-z 0-9 _ -');
    if (values.mount !== undefined && !isMount(values.mount)) throw new UsageError('--mount must be a mount name such as /live.mp3');
    const ttl = wholeNumber(values.ttl, 'ttl', 3600, 1);
    const maxUses = wholeNumber(values['max-uses'], 'max-uses', 0, 0);
    const base = values.base === undefined ? null : baseUrl(values.base);
    const loaded = await loadCliConfig(values.config ?? null, io);
    if (loaded === null) return 1;
    const { config } = loaded;
    if (values.revoke !== undefined) {
      const file = revocationsPath(config.stateDir);
      const added = await revokeInFile(file, values.revoke);
      io.out(added ? `revoked ${values.revoke} (${file})` : `${values.revoke} was already revoked`);
      return 0;
    }
    // The same keyring the gateway verifies with: the configured keys, or with none configured the
    // key icegate start generated into <stateDir>/secrets.yaml (generated here when it is not there
    // yet, so a link minted before the first start still opens afterwards).
    const keys = await tokenKeyring(config);
    const now = Date.now();
    const id = randomId();
    const token = new StreamTokens(keys).mint({ mount: values.mount!, ttlSeconds: ttl, maxUses, id }, now);
    const origin = base ?? `https://${hostPart(config.relay.hostname)}:${config.gateway.listener.tlsPort}`;
    io.out(`${origin}${tokenPath(token, values.mount!)}`);
    const expires = new Date((Math.floor(now / 1000) + ttl) * 1000).toISOString();
    io.err(`id ${id}, expires ${expires}${maxUses ? `, ${maxUses} listener(s) at once` : ''}; revoke with: icegate token --revoke ${id}`);
    // The same link opens the listening page for this mount (relay/page).
    io.err(`listening page: ${origin}${tokenPath(token, '/')}`);
    io.err('(a link without a label; "icegate link create" makes labelled ones that icegate link list and the dashboard show)');
    return 0;
  },
};

function randomId(): string {
  return randomBytes(16).toString('base64url');
}

function baseUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError('--base must be a URL such as https://radio.example:8443');
  }
  if (!/^https?:$/.test(url.protocol) || url.search || url.hash || url.username || url.password) {
    throw new UsageError('--base must be http:// or https:// with a host and port only');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function hostPart(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
