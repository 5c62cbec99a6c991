// `icegate relay` (and, until the supervisor exists, `icegate start`): the relay core in the
// foreground, with its configuration checked and its secrets resolved first.
import { resolveSecrets, secretLabels, SecretsError } from '../config/secrets.ts';
import type { Command } from './command.ts';
import type { Io } from './io.ts';
import { configForCommand } from './config-file.ts';
import { configOptionsHelp } from './options.ts';

async function runRelayCommand(args: string[], io: Io, help: string, withGateway = false): Promise<number> {
  const loaded = await configForCommand(args, io, help);
  if (typeof loaded === 'number') return loaded;
  let resolved;
  try {
    resolved = await resolveSecrets(loaded.config);
  } catch (error) {
    if (!(error instanceof SecretsError)) throw error;
    io.err(error.message);
    return 1;
  }
  for (const warning of resolved.warnings) io.err(`warning: ${warning}`);
  // Where, never what: secrets stay out of terminals and logs.
  for (const name of resolved.generated) io.out(`generated ${secretLabels[name]}: see ${resolved.file}`);
  // Loaded only now, so `icegate check` works even when the relay itself cannot be loaded.
  const { runRelay } = await import('../relay/main.ts');
  await runRelay({ config: loaded.config, secrets: resolved.secrets, configPath: loaded.path });
  if (withGateway) {
    const { runGateway } = await import('../gateway/server/main.ts');
    await runGateway({ config: loaded.config, configPath: loaded.path });
    const g = loaded.config.gateway;
    io.out(
      [
        'Push a test tone over TLS (the npm ffmpeg; the certificate is self-signed until you configure gateway.tls):',
        `  ffmpeg -re -f lavfi -i sine=frequency=440 -c:a libmp3lame -b:a 128k -f mp3 -method PUT -chunked_post 0 \\`,
        `    -content_type audio/mpeg -auth_type basic -tls_verify 0 "https://source:<source password>@127.0.0.1:${g.source.port}/live.mp3"`,
        `Listen: http://localhost:${g.listener.port}/live.mp3  or  https://localhost:${g.listener.tlsPort}/live.mp3`,
        '',
      ].join('\n'),
    );
  }
  return 0;
}

const secretsNote = [
  'Passwords left null in relay.auth are read from <stateDir>/secrets.yaml, or',
  'generated into it on first start; the command prints where, never the password.',
].join('\n');

export const relayCommand: Command = {
  name: 'relay',
  summary: 'run the relay core in the foreground',
  help: [
    'Usage: icegate relay [-c FILE]',
    '',
    'Runs the Icecast-compatible relay core in the foreground.',
    secretsNote,
    '',
    configOptionsHelp,
  ].join('\n'),
  run(args, io) {
    return runRelayCommand(args, io, this.help);
  },
};

export const startCommand: Command = {
  name: 'start',
  summary: 'start icegate: the relay core and the gateway in front of it, in the foreground',
  help: [
    'Usage: icegate start [-c FILE]',
    '',
    'Starts the relay core and the security gateway in front of it, in one foreground process.',
    '(A supervisor that restarts them separately comes later.)',
    secretsNote,
    '',
    configOptionsHelp,
  ].join('\n'),
  run(args, io) {
    return runRelayCommand(args, io, this.help, true);
  },
};
