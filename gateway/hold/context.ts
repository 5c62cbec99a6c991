// gateway.hold as the ports and the edge use it: the settings, one HoldStats, one log.
import type { Config } from '../../config/schema.ts';
import type { SourceHoldContext } from './held-source.ts';
import { HoldStats } from './stats.ts';

export type HoldConfig = Config['gateway']['hold'];

export function sourceHoldContext(config: HoldConfig, stats: HoldStats, log: SourceHoldContext['log']): SourceHoldContext {
  const settings = { sourcesMs: config.sources * 1000, bufferSeconds: config.buffer, playersMs: config.players * 1000 };
  return { settings: () => settings, stats, log };
}

export { HoldStats };
