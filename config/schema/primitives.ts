// The building blocks every section of gateway.yaml's schema shares.
import { z } from 'zod';

export const port = z.number().int().min(0).max(65535);
export const seconds = z.number().min(0);
export const bytes = z.number().int().min(0);
export const secret = z.string().min(8, 'must be at least 8 characters').nullable();
export const host = z.string().min(1);

/** A mount name as Icecast spells it: starts with "/", no spaces, no dot segments. */
export const mountName = z
  .string()
  .regex(/^\/[A-Za-z0-9._~!$&'()*+,;=:@\-/]*$/, 'must start with "/" and contain only URL path characters')
  .refine((m) => !m.split('/').some((s) => s === '.' || s === '..') && !m.includes('//'), 'must not contain "//" or dot segments');

