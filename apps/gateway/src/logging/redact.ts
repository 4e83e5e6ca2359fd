// Secrets never reach a log line: values under sensitive keys are masked at any depth, and
// bearer tokens are masked inside any string (error messages quote headers more often than one
// would think).

export const SENSITIVE_KEY = /secret|token|password|authorization|signature|key|cookie/i;
const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/gi;
export const REDACTED = '[redacted]';
const MAX_DEPTH = 10;

export function redactString(value: string): string {
  return value.replace(BEARER, `$1 ${REDACTED}`);
}

function errorFields(err: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = { name: err.name, message: err.message };
  const code = (err as { code?: unknown }).code;
  if (code !== undefined) fields.code = code;
  if (err.stack) fields.stack = err.stack;
  return fields;
}

/** A redacted copy; the input is not touched (it may be a live request or conversation). */
export function redact(value: unknown, depth = 0, seen: WeakSet<object> = new WeakSet()): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  const source = value instanceof Error ? errorFields(value) : value;
  if (Array.isArray(source)) return source.map((item) => redact(item, depth + 1, seen));
  if (Buffer.isBuffer(source)) return `[${source.length} bytes]`;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(source)) {
    out[key] = SENSITIVE_KEY.test(key) && item !== undefined && item !== null ? REDACTED : redact(item, depth + 1, seen);
  }
  return out;
}
