// Constructors for decisions, so a refusal always carries its catalogue status.
import { GW_ERRORS, type GatewayErrorCode } from './errors.ts';
import type { Allow, Deny, Route } from './types.ts';

export function deny(code: GatewayErrorCode, reason: string): Deny {
  return { kind: 'deny', status: GW_ERRORS[code].status, code, reason };
}

export function allow(route: Route, mount: string | null = null): Allow {
  return { kind: 'allow', route, mount };
}
