import type { TSchema } from '@sinclair/typebox';

/**
 * A copy of `schema` without any `$id`. The core's Content union embeds LinkAction (with its
 * $id) twice, and ajv refuses a schema in which one $id occurs twice ("reference LinkAction
 * resolves to more than one schema"). Without ids the structure is identical and compiles.
 * Build once at module level: compileSchema caches by object identity.
 */
export function standaloneSchema<T extends TSchema>(schema: T): T {
  return stripIds(schema) as T;
}

function stripIds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripIds);
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (key !== '$id') copy[key] = stripIds(inner);
  }
  return copy;
}
