// `icegate relay`: the relay core in the foreground, with its configuration checked and its
// secrets resolved first. `icegate start` (cli/start.ts) runs it as a supervised child.
import type { Command } from './command.ts';
import type { Io } from './io.ts';
import { configForCommand } from './config-file.ts';
import { handedOver } from './handed-over.ts';
import { configOptionsHelp } from './options.ts';

async function runRelayCommand(args: string[], io: Io, help: string): Promise<number> {
  // Under `icegate start`: what the supervisor checked (cli/handed-over.ts).
  const handed = await handedOver(io);
  if (typeof handed === 'number') return handed;
  if (handed !== null) {
    const { runRelay } = await import('../relay/main.ts');
    await runRelay(handed);
    return 0;
  }
  const loaded = await configForCommand(args, io, help);
  if (typeof loaded === 'number') return loaded;
  const { resolveSecrets, secretLabels, SecretsError } = await import('../config/secrets.ts');
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
