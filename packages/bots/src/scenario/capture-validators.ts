// Capture validators: each finds the value in what the visitor wrote ("it's jo@acme.test" gives
// "jo@acme.test") and returns it normalised, or null when there is none.

export type CaptureValidator = (input: string) => string | null;

const EMAIL = /[^\s@<>()[\]",;:]+@[^\s@<>()[\]",;:]+\.[A-Za-z]{2,}/;
/** "ACME-12345", "AB12345", "#12345678": 2–5 letters + optional dash + 4–12 digits, or 5–12 digits. */
// Not inside a bigger token: an email or URL that contains digits is not an order number.
const ORDER_NUMBER = /(?:^|[^A-Za-z0-9@._/-])#?\s*([A-Za-z]{2,5}-?\d{4,12}|\d{5,12})(?![A-Za-z0-9@]|[./-][A-Za-z0-9])/;
const PHONE = /\+?\d[\d\s().-]{5,}\d/;

const builtIn: Record<string, CaptureValidator> = {
  email: (input) => input.match(EMAIL)?.[0] ?? null,
  orderNumber: (input) => input.match(ORDER_NUMBER)?.[1]?.toUpperCase() ?? null,
  phone: (input) => {
    const found = input.match(PHONE)?.[0];
    return found ? found.replace(/[\s().-]/g, '') : null;
  },
  any: (input) => (input.trim() ? input.trim() : null),
};

/**
 * The validator for a `validate:` spec, or a reason why the spec is unusable. `regex:<pattern>`
 * captures its first group if it has one, else the whole match.
 */
export function captureValidator(spec: string | undefined): CaptureValidator | { error: string } {
  if (!spec) return builtIn.any;
  if (spec.startsWith('regex:')) {
    const pattern = spec.slice('regex:'.length);
    let regex: RegExp;
    try {
      regex = new RegExp(pattern); // no g flag: stateless, safe to share between conversations
    } catch (error) {
      return { error: `invalid regex: ${(error as Error).message}` };
    }
    return (input) => {
      const match = input.trim().match(regex);
      return match ? (match[1] ?? match[0]) : null;
    };
  }
  return builtIn[spec] ?? { error: `unknown validator "${spec}" (email, orderNumber, phone, any, regex:<pattern>)` };
}
