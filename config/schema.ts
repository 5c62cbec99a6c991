// The single declaration of gateway.yaml: shape, defaults and limits.
// The shipped gateway.yaml documents every key; test/config/defaults.test.ts keeps the two equal.
// Names follow Icecast's vocabulary (queueSize, burstSize, sourceTimeout, fallbackMount …) so an
// Icecast operator recognises them.
import { z } from 'zod';
import { relaySchema, mountSchema, relayPullSchema, masterSchema } from './schema/relay.ts';
import { gatewaySchema, listenerAuthSchema } from './schema/gateway.ts';
import { supervisorSchema, componentSchema } from './schema/supervisor.ts';

export { mountName } from './schema/primitives.ts';
export { relaySchema, mountSchema, relayPullSchema, masterSchema } from './schema/relay.ts';
export { gatewaySchema, listenerAuthSchema } from './schema/gateway.ts';
export { supervisorSchema, componentSchema } from './schema/supervisor.ts';

export const configSchema = z
  .object({
    station: z
      .object({
        /** Shown on the listening page and the dashboard. */
        name: z.string().min(1).default('icegate'),
      })
      .strict()
      .prefault({}),
    /** Generated secrets and certificates live here (created 0700). Relative to the config file. */
    stateDir: z.string().min(1).default('./state'),
    relay: relaySchema.prefault({}),
    gateway: gatewaySchema.prefault({}),
    supervisor: supervisorSchema.prefault({}),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type RelayConfig = Config['relay'];
export type GatewayConfig = Config['gateway'];
export type MountConfig = z.infer<typeof mountSchema>;
export type RelayPullConfig = z.infer<typeof relayPullSchema>;
export type MasterConfig = z.infer<typeof masterSchema>;
export type ListenerAuthConfig = z.infer<typeof listenerAuthSchema>;
export type SupervisorConfig = Config['supervisor'];
export type ComponentConfig = z.infer<typeof componentSchema>;

/** Passwords after secrets were filled in: never null at run time. */
export interface ResolvedSecrets {
  sourcePassword: string;
  adminPassword: string;
  relayPassword: string;
}
