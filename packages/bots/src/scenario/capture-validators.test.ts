import { captureValidator, type CaptureValidator } from './capture-validators';
import { renderContent, renderTemplate } from './template';

function validator(spec?: string): CaptureValidator {
  const v = captureValidator(spec);
  if (typeof v !== 'function') throw new Error(v.error);
  return v;
}

describe('capture validators', () => {
  it.each([
    ['email', 'it is jo.doe+shop@mail.example.com!', 'jo.doe+shop@mail.example.com'],
    ['email', 'jo@localhost', null],
    ['orderNumber', 'order #acme-10042 please', 'ACME-10042'],
    ['orderNumber', 'AB12345', 'AB12345'],
    ['orderNumber', '12345678', '12345678'],
    ['orderNumber', '1234', null],
    ['orderNumber', 'jo@acme-12345.com', null],
    ['phone', 'call +33 (1) 23 45 67 89', '+33123456789'],
    ['any', '  anything  ', 'anything'],
    ['any', '   ', null],
    ['regex:^([A-Z]{2})-\\d+$', 'FR-12', 'FR'],
    ['regex:^\\d{3}$', '123', '123'],
    ['regex:^\\d{3}$', '1234', null],
  ])('%s on %j gives %j', (spec, input, expected) => {
    expect(validator(spec)(input)).toBe(expected);
  });

  it('names what is wrong with a bad spec', () => {
    expect(captureValidator('zip')).toEqual({ error: expect.stringContaining('unknown validator "zip"') });
    expect(captureValidator('regex:(')).toEqual({ error: expect.stringContaining('invalid regex') });
  });
});

describe('templates', () => {
  it('substitutes variables, defaults and nothing for unknown ones', () => {
    expect(renderTemplate('Hi {{ name }}, {{city|Paris}}{{nope}}!', { name: 'Ada' })).toBe('Hi Ada, Paris!');
  });

  it('percent-encodes values inside url fields only', () => {
    const card = renderContent(
      { type: 'card', title: 'Order {{o}}', actions: [{ type: 'link', label: 'Track {{o}}', url: 'https://t.example/?o={{o}}' }] },
      { o: 'A&B 1' },
    );
    expect(card).toEqual({ type: 'card', title: 'Order A&B 1', actions: [{ type: 'link', label: 'Track A&B 1', url: 'https://t.example/?o=A%26B%201' }] });
  });
});
