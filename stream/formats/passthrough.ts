// Formats the relay does not parse (WebM, FLAC, …) pass through unaligned: every chunk is marked
// as a start point, as Icecast's generic handler does with its 1400-byte blocks (docs/icecast-compatibility.md#queue-and-burst).
import type { AudioInfo, Chunk, Framer } from '../types.ts';

export class PassThroughFramer implements Framer {
  readonly codec = 'other' as const;

  push(data: Buffer): Chunk[] {
    return data.length ? [{ data, sync: true }] : [];
  }
  headerPages(): Buffer | null {
    return null;
  }
  headerGeneration(): number {
    return 0;
  }
  audioInfo(): AudioInfo {
    return {};
  }
  droppedBytes(): number {
    return 0;
  }
}
