import { Type } from '@sinclair/typebox';
import { ValidationError, type ValidationIssue } from './errors/validation-error';
import { assertValid, compileSchema, matches } from './validation';

const Shape = Type.Union([
  Type.Object({ type: Type.Literal('a'), n: Type.Integer(), s: Type.String({ maxLength: 3 }) }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('b'), list: Type.Array(Type.String()) }, { additionalProperties: false }),
]);

describe('validation', () => {
  it('accepts a valid value with no errors left over from an earlier failure', () => {
    const validate = compileSchema(Shape);
    expect(validate({ type: 'a', n: 1, s: 'x', extra: true })).toBe(false);
    expect(validate.errors?.length).toBeGreaterThan(0);
    expect(validate({ type: 'b', list: ['x'] })).toBe(true);
    expect(validate.errors).toBeNull();
    expect(matches(Shape, { type: 'a', n: 2, s: 'abc' })).toBe(true);
  });

  it('lists every issue of an invalid value, not only the first', () => {
    try {
      assertValid(Shape, { type: 'a', n: 1.5, s: 'toolong', extra: 1 }, 'shape');
      throw new Error('expected a ValidationError');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      const reasons = ((error as ValidationError).details as ValidationIssue[]).map((d) => `${d.path} ${d.reason}`);
      // Three problems in the matching branch: all of them reported.
      expect(reasons).toEqual(
        expect.arrayContaining([expect.stringMatching(/^\/n must be integer/), expect.stringMatching(/^\/s must NOT have more than 3 characters/), expect.stringMatching(/additional properties \(extra\)/)]),
      );
    }
  });

  it('bounds string lengths in code points, as JSON Schema says, on both sides of the bound', () => {
    const Bounded = Type.Object({ s: Type.String({ minLength: 2, maxLength: 3 }) });
    const ok = (s: string) => matches(Bounded, { s });
    // An emoji is one code point but two UTF-16 units: the count is the code points'.
    expect(['ab', 'abc', '😀😀', '😀😀😀', 'a😀'].map(ok)).toEqual([true, true, true, true, true]);
    expect(['a', '😀', '', 'abcd', '😀😀😀😀', 'ab😀😀'].map(ok)).toEqual([false, false, false, false, false, false]);
    // A lone high surrogate counts as one.
    expect(ok('\ud83d\ud83d\ud83d\ud83d')).toBe(false);
    try {
      assertValid(Bounded, { s: '😀😀😀😀' }, 'bounded');
      throw new Error('expected a ValidationError');
    } catch (error) {
      expect((error as ValidationError).details).toEqual([{ path: '/s', reason: 'must NOT have more than 3 characters' }]);
    }
    try {
      assertValid(Bounded, { s: '😀' }, 'bounded');
      throw new Error('expected a ValidationError');
    } catch (error) {
      expect((error as ValidationError).details).toEqual([{ path: '/s', reason: 'must NOT have fewer than 2 characters' }]);
    }
  });
});
