// Checking a listener's password against an htpasswd table (contracts/htpasswd.ts holds the
// format, shared with `icegate passwd` and the supervisor, which write the file). Re-exported here
// so the gateway's listener authentication reads as one place.
import { randomUUID } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { DEFAULT_COST, type Htpasswd } from '../../contracts/htpasswd.ts';

export * from '../../contracts/htpasswd.ts';

const dummies = new Map<number, Promise<string>>();

/** A hash nobody knows the password of, per cost, so an unknown user costs as much as a known one. */
function dummyHash(cost: number): Promise<string> {
  let dummy = dummies.get(cost);
  if (!dummy) {
    dummy = bcrypt.hash(randomUUID(), cost);
    dummies.set(cost, dummy);
  }
  return dummy;
}

/**
 * True when the user exists and the password matches. An unknown user is compared against a
 * dummy hash of the table's highest cost, so response time does not reveal which users exist.
 * Passwords over 72 bytes never match: bcrypt would ignore their tail.
 */
export async function verifyUser(file: Htpasswd, user: string, password: string): Promise<boolean> {
  const hash = file.users.get(user) ?? (await dummyHash(maxCost(file)));
  const match = await bcrypt.compare(password, hash);
  return match && file.users.has(user) && !bcrypt.truncates(password);
}

function maxCost(file: Htpasswd): number {
  let cost = 0;
  for (const hash of file.users.values()) cost = Math.max(cost, bcrypt.getRounds(hash));
  return cost || DEFAULT_COST;
}
