// `icegate <command>`: dispatch to one command, with --help at every level.
// Exit status: 0 success, 1 failure (e.g. an invalid configuration), 2 usage error.
import { readFileSync } from 'node:fs';
import { UsageError } from './command.ts';
import { commands, findCommand } from './commands.ts';
import { processIo, type Io } from './io.ts';

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: icegate <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "icegate <command> --help" for the options of a command.',
  ].join('\n');
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    io.err(usage());
    return 2;
  }
  if (name === '-h' || name === '--help' || name === 'help') {
    // Only the command asked about is loaded; the list needs none of them (cli/commands.ts).
    const topic = findCommand(args[0]);
    io.out(topic === undefined ? usage() : (await topic.load()).help);
    return 0;
  }
  if (name === '-v' || name === '--version') {
    io.out(version());
    return 0;
  }
  const entry = findCommand(name);
  if (entry === undefined) {
    io.err(`icegate: unknown command "${name}"`);
    io.err(usage());
    return 2;
  }
  const command = await entry.load();
  try {
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`icegate ${command.name}: ${error.message}`);
      io.err(command.help.split('\n')[0] ?? '');
      io.err(`Run "icegate ${command.name} --help" for details.`);
      return 2;
    }
    // Unexpected: keep the stack, it is what a bug report needs.
    io.err(`icegate ${command.name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  }
}
