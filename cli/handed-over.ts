// `icegate relay` and `icegate gateway` under `icegate start`: the configuration the supervisor
// checked and the secrets it resolved arrive on a pipe (contracts/child-start.ts), so the child
// neither reads nor validates gateway.yaml again. Run by hand, they load the file themselves.
import { readStart, type ChildStart } from '../contracts/child-start.ts';
import type { Io } from './io.ts';

/** The hand-over, null when run by hand, or the exit status 1 (and why, on stderr) when it failed. */
export async function handedOver(io: Io): Promise<ChildStart | number | null> {
  const start = readStart();
  if (start === null) return null;
  try {
    return await start;
  } catch (error) {
    io.err(`icegate: ${(error as Error).message}`);
    return 1;
  }
}
