import Ajv, { _, type CodeKeywordDefinition, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { useFunc } from 'ajv/dist/compile/util';
import ucs2length from 'ajv/dist/runtime/ucs2length';
import ajvLimitLength from 'ajv/dist/vocabularies/validation/limitLength';
import type { Static, TSchema } from '@sinclair/typebox';
import { ValidationError, type ValidationIssue } from './errors/validation-error';

// One ajv instance for the whole process: compiling is the expensive part, so each schema is
// compiled once and cached by object identity.
const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false });
addFormats(ajv);

/**
 * maxLength and minLength as JSON Schema defines them (in code points), with the count skipped
 * when the string's UTF-16 length already decides: a string has at most as many code points as
 * UTF-16 units, and at least half as many. ajv's own keyword counts every character of every
 * bounded string (identifiers, texts, ids) on every check, which was 2 % of a visitor message's
 * CPU; the exact count now runs only near the bound. ajv's definition is kept (messages, params,
 * $data): only the generated comparison changes.
 */
const boundedLength: CodeKeywordDefinition = {
  ...ajvLimitLength,
  code(cxt) {
    const { keyword, data, schemaCode } = cxt;
    const codePoints = useFunc(cxt.gen, ucs2length);
    cxt.fail$data(
      keyword === 'maxLength'
        ? _`${data}.length > ${schemaCode} && ${codePoints}(${data}) > ${schemaCode}`
        : _`${data}.length < ${schemaCode} || (${data}.length < 2 * ${schemaCode} && ${codePoints}(${data}) < ${schemaCode})`,
    );
  },
};
ajv.removeKeyword('maxLength');
ajv.removeKeyword('minLength');
ajv.addKeyword(boundedLength);

const compiled = new WeakMap<object, ValidateFunction>();

export function compileSchema<T extends TSchema>(schema: T): ValidateFunction<Static<T>> {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate as ValidateFunction<Static<T>>;
}

/** ajv errors as {path, reason}, the shape every 4xx `details` and every config error uses. */
export function toIssues(errors: ErrorObject[] | null | undefined): ValidationIssue[] {
  if (!errors) return [];
  // Unions report one error per branch; the discriminant mismatch ones are noise for a reader.
  const meaningful = errors.filter((e) => e.keyword !== 'const' || errors.length === 1);
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const e of meaningful.length ? meaningful : errors) {
    const path = e.instancePath || '/';
    const extra = e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : '';
    const reason = `${e.message ?? 'is invalid'}${extra}`;
    const key = `${path}|${reason}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push({ path, reason });
    }
  }
  return issues.slice(0, 20);
}

/** True if `value` matches; for type narrowing in pure code. */
export function matches<T extends TSchema>(schema: T, value: unknown): value is Static<T> {
  return compileSchema(schema)(value);
}

/** Returns `value` typed, or throws a ValidationError (400) listing every issue. */
export function assertValid<T extends TSchema>(schema: T, value: unknown, what = 'request'): Static<T> {
  const validate = compileSchema(schema);
  if (!validate(value)) throw new ValidationError(`invalid ${what}`, toIssues(validate.errors));
  return value;
}
