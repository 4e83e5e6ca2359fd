import type { ErrorObject } from 'ajv';
import type { TSchema } from '@sinclair/typebox';
import {
  CONTENT_TYPES,
  CardContent,
  CarouselContent,
  FileContent,
  ProductCarouselContent,
  ProductContent,
  QuickRepliesContent,
  TextContent,
  compileSchema,
  toIssues,
  type ContentType,
} from '@botgate/core';
import { ITEM_MARK, ScenarioFile, WaitItem } from './schema';

/** An issue before it is placed in the file: a JSON pointer, the reason, and a key to point at. */
export interface RawIssue {
  path: string;
  reason: string;
  key?: string;
}

const contentSchemas: Record<ContentType, TSchema> = {
  text: TextContent,
  quickReplies: QuickRepliesContent,
  card: CardContent,
  carousel: CarouselContent,
  product: ProductContent,
  productCarousel: ProductCarouselContent,
  file: FileContent,
};

/** Every schema issue of a scenario file; union mismatches are explained by the branch meant. */
export function scenarioSchemaIssues(value: unknown): RawIssue[] {
  const validate = compileSchema(ScenarioFile);
  if (validate(value)) return [];
  return explain(validate.errors ?? [], value, ScenarioFile);
}

function explain(errors: ErrorObject[], root: unknown, rootSchema: TSchema, base = ''): RawIssue[] {
  // ajv reports a failed union as one error per branch plus an anyOf error: replace the lot by
  // what the author most likely meant, otherwise the file's reader drowns in noise.
  const unions = errors.filter((e) => e.keyword === 'anyOf');
  const inUnion = (e: ErrorObject): boolean => unions.some((u) => e !== u && e.schemaPath.startsWith(`${u.schemaPath}/`));
  const issues: RawIssue[] = [];
  for (const e of errors) {
    if (inUnion(e)) continue;
    const path = base + e.instancePath;
    if (e.keyword === 'anyOf') {
      const union = schemaAt(rootSchema, e.schemaPath.replace(/^#/, '').replace(/\/anyOf$/, ''));
      issues.push(...explainUnion(union, valueAt(root, e.instancePath), path));
    } else if (e.keyword === 'additionalProperties') {
      const key = String(e.params.additionalProperty);
      issues.push({ path, key, reason: `unknown property "${key}"` });
    } else {
      issues.push({ path, reason: e.message ?? 'is invalid' });
    }
  }
  return dedupe(issues);
}

function explainUnion(union: TSchema | undefined, value: unknown, path: string): RawIssue[] {
  const description = typeof union?.description === 'string' ? union.description : 'one of the allowed forms';
  const kind = union?.[ITEM_MARK] as 'say' | 'content' | undefined;
  if (!kind || value === null || typeof value !== 'object' || Array.isArray(value)) {
    return [{ path, reason: `must be ${description}` }];
  }
  if ('wait' in value && kind === 'say') return validateWith(WaitItem, value, path);
  if ('type' in value) {
    const type = value.type;
    if (typeof type === 'string' && (CONTENT_TYPES as readonly string[]).includes(type)) {
      return validateWith(contentSchemas[type as ContentType], value, path);
    }
    return [{ path: `${path}/type`, reason: `unknown content type "${String(type)}" (expected ${CONTENT_TYPES.join(', ')})` }];
  }
  return [{ path, reason: `must be ${description}` }];
}

function validateWith(schema: TSchema, value: unknown, path: string): RawIssue[] {
  const validate = compileSchema(schema);
  if (validate(value)) return [];
  // The core's toIssues already folds the card-action unions; keep its wording.
  return toIssues(validate.errors).map((i) => ({ path: path + (i.path === '/' ? '' : i.path), reason: i.reason }));
}

function schemaAt(schema: TSchema, pointer: string): TSchema | undefined {
  let node: unknown = schema;
  for (const segment of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node as TSchema | undefined;
}

function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const segment of pointer.split('/').slice(1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

function dedupe(issues: RawIssue[]): RawIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}|${i.key ?? ''}|${i.reason}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
