// node:util parseArgs for the commands with their own options, strict: an unknown option or a
// stray argument is a usage error rather than something silently ignored.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './command.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

export function strictArgs<O extends Options>(args: string[], options: O, positionals = false) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: positionals });
  } catch (error) {
    // parseArgs explains at length how to pass a value that starts with "-"; the first sentence
    // says what went wrong.
    throw new UsageError((error as Error).message.split(/\.\s/)[0] ?? 'invalid arguments');
  }
}

/** A whole number option, or the default when absent. */
export function wholeNumber(value: string | undefined, name: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value)) || Number(value) < min) throw new UsageError(`--${name} must be a whole number ≥ ${min}`);
  return Number(value);
}
