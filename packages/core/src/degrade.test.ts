import { degrade, splitText } from './degrade';
import type { ChannelCapabilities, Content } from './model/content';

const textOnly: ChannelCapabilities = { contentTypes: ['text'], maxTextLength: 1024, markdown: false };

describe('degrade', () => {
  it('keeps content the channel supports', () => {
    const card: Content = { type: 'card', title: 'T', actions: [{ type: 'link', label: 'Go', url: 'https://x.y' }] };
    expect(degrade(card, { ...textOnly, contentTypes: ['text', 'card'] })).toEqual([card]);
  });

  it('turns quick replies into numbered options', () => {
    const out = degrade(
      { type: 'quickReplies', text: 'Pick one', replies: [{ label: 'Yes' }, { label: 'No', value: 'no' }] },
      textOnly,
    );
    expect(out).toEqual([{ type: 'text', text: 'Pick one\n1. Yes\n2. No' }]);
  });

  it('turns a carousel into a numbered text list with links', () => {
    const out = degrade(
      {
        type: 'carousel',
        cards: [
          { title: 'A', actions: [{ type: 'link', label: 'See A', url: 'https://a' }] },
          { title: 'B', actions: [{ type: 'link', label: 'See B', url: 'https://b' }] },
        ],
      },
      textOnly,
    );
    expect(out).toEqual([{ type: 'text', text: '1. A\nSee A: https://a\n\n2. B\nSee B: https://b' }]);
  });

  it('turns a file into a link, in markdown when the channel renders it', () => {
    const file: Content = { type: 'file', url: 'https://f/x.pdf', name: 'Invoice', mimeType: 'application/pdf' };
    expect(degrade(file, textOnly)).toEqual([{ type: 'text', text: 'Invoice: https://f/x.pdf' }]);
    expect(degrade(file, { ...textOnly, markdown: true })).toEqual([{ type: 'text', text: '[Invoice](https://f/x.pdf)' }]);
  });

  it('splits long texts at the channel limit without losing a word', () => {
    const long = Array.from({ length: 300 }, (_, i) => `word${i}`).join(' ');
    const parts = degrade({ type: 'text', text: long }, { ...textOnly, maxTextLength: 450 });
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.type === 'text' && p.text.length <= 450).toBe(true);
    expect(parts.map((p) => (p.type === 'text' ? p.text : '')).join(' ')).toBe(long);
  });
});

describe('splitText', () => {
  it('prefers sentence boundaries', () => {
    expect(splitText('One sentence here. Another one follows.', 25)).toEqual(['One sentence here.', 'Another one follows.']);
  });
  it('breaks a single over-long word only when it must', () => {
    expect(splitText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });
  it('returns short text unchanged', () => {
    expect(splitText('hi', 10)).toEqual(['hi']);
  });
});
