// The options every config-reading command shares. node:util parseArgs, strict: an unknown
// option or a stray argument is a usage error rather than something silently ignored.
import { parseArgs } from 'node:util';
import { UsageError } from './command.ts';

export interface ConfigOptions {
  /** The -c FILE given, or null to look for ./gateway.yaml. */
  config: string | null;
  help: boolean;
}

export const configOptionsHelp = [
  'Options:',
  '  -c, --config FILE  configuration file (default: ./gateway.yaml if it exists,',
  '                     else the built-in defaults)',
  '  -h, --help         show this help',
].join('\n');

export function parseConfigOptions(args: string[]): ConfigOptions {
  try {
    const { values } = parseArgs({
      args,
      options: {
        config: { type: 'string', short: 'c' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
    return { config: values.config ?? null, help: values.help ?? false };
  } catch (error) {
    // parseArgs explains at length how to pass a positional that starts with "-"; the first
    // sentence is the part that says what went wrong.
    const message = (error as Error).message.split(/\.\s/)[0] ?? 'invalid arguments';
    throw new UsageError(message);
  }
}
