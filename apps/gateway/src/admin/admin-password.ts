import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { AdminUser } from './admin-config';

// scrypt with a per-password salt. N=2^15 costs ~50 ms: slow for guessing, fine for a login.
const DEFAULT_COST = { N: 32_768, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, cost: { N: number; r: number; p: number }): Promise<Buffer> {
  const options: ScryptOptions = { ...cost, maxmem: 128 * cost.N * cost.r * 2 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** The `passwordHash` to put in the config for this password. */
export async function hashAdminPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, DEFAULT_COST);
  return `scrypt$${DEFAULT_COST.N}$${DEFAULT_COST.r}$${DEFAULT_COST.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

async function matchesHash(password: string, hash: string): Promise<boolean> {
  const [scheme, n, r, p, salt, expected] = hash.split('$');
  if (scheme !== 'scrypt' || !salt || !expected) return false;
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  const wanted = Buffer.from(expected, 'base64url');
  return wanted.length === key.length && timingSafeEqual(wanted, key);
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value.normalize('NFKC')).digest();
}

export async function verifyAdminPassword(user: AdminUser, password: string): Promise<boolean> {
  if ('passwordHash' in user) return matchesHash(password, user.passwordHash);
  return timingSafeEqual(sha256(password), sha256(user.password));
}

/**
 * A short fingerprint of the user's credential, signed into their sessions: changing a password
 * (or removing the user) ends that user's sessions without any server-side session store.
 */
export function credentialFingerprint(user: AdminUser): string {
  const secret = 'passwordHash' in user ? user.passwordHash : user.password;
  return createHash('sha256').update(`${user.name}\0${secret}`).digest('base64url').slice(0, 16);
}
