import type { ValidationIssue } from '@botgate/core';
import { configPath } from './issues';

// `${NAME}` and `${NAME:-default}` in any string of the config, so secrets stay in the
// environment and out of files. `$${` writes a literal `${`.

const PLACEHOLDER = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

function interpolateString(
  value: string,
  env: NodeJS.ProcessEnv,
  pointer: string,
  issues: ValidationIssue[],
): string {
  return value.replace(PLACEHOLDER, (whole: string, escaped: string, name: string, fallback?: string) => {
    if (escaped) return whole.slice(1);
    const found = env[name];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    issues.push({ path: configPath(pointer), reason: `environment variable ${name} is not set` });
    return '';
  });
}

/** A copy of `value` with every placeholder replaced; unset variables are reported, not guessed. */
export function interpolateEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  issues: ValidationIssue[],
  pointer = '',
): unknown {
  if (typeof value === 'string') return interpolateString(value, env, pointer, issues);
  if (Array.isArray(value)) return value.map((item, i) => interpolateEnv(item, env, issues, `${pointer}/${i}`));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = interpolateEnv(item, env, issues, `${pointer}/${key}`);
    return out;
  }
  return value;
}
