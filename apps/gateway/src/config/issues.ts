import type { ErrorObject } from 'ajv';
import type { ValidationIssue } from '@botgate/core';

// ajv errors rewritten for a person editing YAML: `bots[1].url: is required`, one line per
// problem, every problem listed (no cap: a config is fixed in one go, not one error per start).

/** JSON pointer (`/bots/1/url`) → config path (`bots[1].url`). */
export function configPath(pointer: string): string {
  if (!pointer || pointer === '/') return '(root)';
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}

function join(parent: string, child: string): string {
  return parent === '(root)' ? child : `${parent}.${child}`;
}

type BranchSchema = { const?: unknown; type?: string };

function describeAnyOf(branches: unknown): string {
  if (!Array.isArray(branches)) return 'has an unsupported value';
  const list = branches as BranchSchema[];
  if (list.every((b) => b.const !== undefined)) return `must be one of ${list.map((b) => String(b.const)).join(', ')}`;
  const types = [...new Set(list.map((b) => b.type ?? 'value'))];
  return `must be ${types.length > 1 ? `${types.slice(0, -1).join(', ')} or ${types[types.length - 1]}` : types[0]}`;
}

/** Needs errors from an ajv instance created with `verbose: true` (for the anyOf branches). */
export function configIssues(errors: ErrorObject[] | null | undefined): ValidationIssue[] {
  if (!errors) return [];
  // An anyOf error says everything its branches say, once.
  const anyOfPaths = errors.filter((e) => e.keyword === 'anyOf').map((e) => `${e.schemaPath}/`);
  const issues: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (anyOfPaths.some((p) => e.schemaPath.startsWith(p))) continue;
    const at = configPath(e.instancePath);
    let issue: ValidationIssue;
    switch (e.keyword) {
      case 'required':
        issue = { path: join(at, String(e.params.missingProperty)), reason: 'is required' };
        break;
      case 'additionalProperties':
        issue = { path: join(at, String(e.params.additionalProperty)), reason: 'is not a known option' };
        break;
      case 'discriminator': {
        const tag = String(e.params.tag);
        const mapping = e.params.error === 'mapping';
        issue = { path: join(at, tag), reason: mapping ? 'must be one of scenario, webhook' : 'is required' };
        break;
      }
      case 'anyOf':
        issue = { path: at, reason: describeAnyOf(e.schema) };
        break;
      default:
        issue = { path: at, reason: e.message ?? 'is invalid' };
    }
    const key = `${issue.path}|${issue.reason}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}

export function formatIssues(issues: ValidationIssue[]): string {
  return issues.map((i) => `  ${i.path}: ${i.reason}`).join('\n');
}
