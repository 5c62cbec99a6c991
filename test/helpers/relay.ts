// Start a relay core on an ephemeral loopback port for a test, with known secrets.
import { configSchema, type RelayConfig, type ResolvedSecrets } from '../../config/schema.ts';
import { startRelay, type RunningRelay, type StartRelayOptions } from '../../relay/start.ts';

export const SECRETS: ResolvedSecrets = {
  sourcePassword: 'hackme-source',
  adminPassword: 'hackme-admin',
  relayPassword: 'hackme-relay',
};

/**
 * The forward key (contracts/forward-key.ts) the test relays and test gateways share, as
 * `icegate start` gives its relay and gateway one: a request to a test relay that claims a client
 * address, scheme or stream link must carry it, as the gateway's do.
 */
export const TEST_FORWARD_KEY = 'test-forward-key-0123456789abcdefghijklmnop';
/** The field line a raw request to a test relay adds to be believed like the gateway. */
export const FORWARD_KEY_LINE = `X-Icegate-Forward-Key: ${TEST_FORWARD_KEY}`;

/** A full relay config from a partial one, through the real schema (so defaults apply). */
export function relayConfig(partial: Record<string, unknown> = {}): RelayConfig {
  return configSchema.parse({ relay: partial }).relay;
}

export async function testRelay(
  partial: Record<string, unknown> = {},
  extra: Partial<StartRelayOptions> = {},
): Promise<RunningRelay> {
  return startRelay({ config: relayConfig(partial), secrets: SECRETS, host: '127.0.0.1', port: 0, forwardKey: TEST_FORWARD_KEY, ...extra });
}

/** Resolve when `predicate` holds, checking on each registry/mount event and every 20 ms. */
export async function until(predicate: () => boolean, timeoutMs = 15000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
