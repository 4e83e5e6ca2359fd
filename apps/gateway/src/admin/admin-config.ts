import { Type, type Static } from '@sinclair/typebox';

// The ops dashboard's section. Absent: /admin is not served at all (except in the embedded
// local demo, which makes up a password and logs it once). There are no default credentials.

/** `scrypt$N$r$p$salt$hash`, salt and hash base64url: what `hashAdminPassword` produces. */
export const SCRYPT_HASH_PATTERN = '^scrypt\\$[0-9]+\\$[0-9]+\\$[0-9]+\\$[A-Za-z0-9_-]{16,}\\$[A-Za-z0-9_-]{32,}$';

const UserName = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.@-]+$' });

export const AdminUserWithHash = Type.Object(
  { name: UserName, passwordHash: Type.String({ pattern: SCRYPT_HASH_PATTERN, description: 'scrypt hash (see the README)' }) },
  { additionalProperties: false },
);

export const AdminUserWithPassword = Type.Object(
  { name: UserName, password: Type.String({ minLength: 12, maxLength: 512, description: 'plain password, from ${ENV_VAR}' }) },
  { additionalProperties: false },
);

export const AdminUser = Type.Union([AdminUserWithHash, AdminUserWithPassword]);
export type AdminUser = Static<typeof AdminUser>;

export const AdminOptions = Type.Object(
  {
    enabled: Type.Boolean({ default: true }),
    users: Type.Array(AdminUser, { minItems: 1, maxItems: 100 }),
    /** Signs session cookies and CSRF tokens; changing it logs everybody out. Use ${ENV_VAR}. */
    sessionSecret: Type.String({ minLength: 32, maxLength: 1024 }),
    sessionTtlMs: Type.Integer({ minimum: 60_000, maximum: 7 * 86_400_000, default: 8 * 3_600_000 }),
    /** How often pages refresh themselves; 0 turns auto-refresh off. */
    refreshSeconds: Type.Integer({ minimum: 0, maximum: 3600, default: 5 }),
  },
  { additionalProperties: false, description: 'ops dashboard (/admin)' },
);
export type AdminOptions = Static<typeof AdminOptions>;
