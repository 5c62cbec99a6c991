// `icegate passwd`: add, change or delete a listener in a bcrypt htpasswd file (auth: htpasswd).
// The file is rewritten atomically; a running gateway picks the change up without a restart.
import { dirname, resolve } from 'node:path';
import { deleteUser, setPassword } from '../contracts/htpasswd-file.ts';
import { HtpasswdError, checkUser } from '../contracts/htpasswd.ts';
import { withListenerAuthPaths } from '../gateway/listener-auth/modes.ts';
import { UsageError, type Command } from './command.ts';
import { loadCliConfig } from './config-file.ts';
import type { Io } from './io.ts';
import { PasswordInputError, readNewPassword, type Terminal } from './password-input.ts';
import { strictArgs } from './strict-args.ts';

export const passwdHelp = [
  'Usage: icegate passwd [--file PATH] [-c FILE] USER',
  '       icegate passwd [--file PATH] [-c FILE] --delete USER',
  '',
  'Sets the password of USER in an htpasswd file (bcrypt, as htpasswd -B writes),',
  'creating the file or the user when missing. On a terminal the password is asked',
  'for twice; otherwise the first line of stdin is the password.',
  '',
  'Options:',
  '  --file PATH        the htpasswd file (default: the one file the configuration\'s',
  '                     gateway.mounts use with auth: htpasswd)',
  '  --delete USER      remove USER instead',
  '  -c, --config FILE  configuration file (default: ./gateway.yaml if it exists)',
  '  -h, --help         show this help',
].join('\n');

/** `terminal`: where the password is read from; tests pass their own. */
export function passwdCommand(terminal: Terminal = { input: process.stdin, output: process.stderr }): Command {
  return {
    name: 'passwd',
    summary: 'add, change or delete a listener password (htpasswd)',
    help: passwdHelp,
    async run(args, io) {
      const { values, positionals } = strictArgs(
        args,
        { file: { type: 'string' }, delete: { type: 'string' }, config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
        true,
      );
      if (values.help) {
        io.out(passwdHelp);
        return 0;
      }
      const user = values.delete ?? positionals[0];
      if (user === undefined || positionals.length > (values.delete === undefined ? 1 : 0)) throw new UsageError('name exactly one USER');
      try {
        checkUser(user);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      const file = values.file === undefined ? await configuredFile(values.config ?? null, io) : resolve(values.file);
      if (file === null) return 1;
      try {
        if (values.delete !== undefined) {
          const existed = await deleteUser(file, user);
          io.out(existed ? `deleted ${user} from ${file}` : `${user} is not in ${file}`);
          return existed ? 0 : 1;
        }
        await setPassword(file, user, await readNewPassword(terminal));
      } catch (error) {
        if (!(error instanceof HtpasswdError || error instanceof PasswordInputError || (error as NodeJS.ErrnoException).code !== undefined)) throw error;
        io.err(`icegate passwd: ${(error as Error).message}`);
        return 1;
      }
      io.out(`set the password of ${user} in ${file}`);
      return 0;
    },
  };
}

async function configuredFile(explicit: string | null, io: Io): Promise<string | null> {
  const loaded = await loadCliConfig(explicit, io);
  if (loaded === null) return null;
  const baseDir = loaded.path === null ? process.cwd() : dirname(resolve(loaded.path));
  const files = new Set(
    Object.values(withListenerAuthPaths(loaded.config, baseDir).gateway.mounts)
      .map((m) => m.htpasswd)
      .filter((f) => f !== null),
  );
  if (files.size !== 1) throw new UsageError(files.size === 0 ? `${loaded.label} names no htpasswd file; give --file` : 'the configuration names several htpasswd files; give --file');
  return [...files][0]!;
}
