// `icegate check`: validate a configuration without starting anything.
import type { Command } from './command.ts';
import { configForCommand } from './config-file.ts';
import { configOptionsHelp } from './options.ts';

export const checkCommand: Command = {
  name: 'check',
  summary: 'validate a configuration file and list every problem',
  help: [
    'Usage: icegate check [-c FILE]',
    '',
    'Validates the configuration. Every problem is printed to stderr as',
    'FILE:LINE: key.path: what is wrong, and the exit status is 1; a valid',
    'configuration prints "FILE: configuration is valid" and exits 0.',
    '',
    configOptionsHelp,
  ].join('\n'),
  async run(args, io) {
    const loaded = await configForCommand(args, io, this.help);
    if (typeof loaded === 'number') return loaded;
    io.out(`${loaded.label}: configuration is valid`);
    return 0;
  },
};
