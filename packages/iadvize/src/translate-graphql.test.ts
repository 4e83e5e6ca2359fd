import { compileSchema, type Action } from '@botgate/core';
import { ChatbotActionOrMessageInput } from './schemas';
import { actionToGraphqlInputs } from './translate-graphql';
import type { ReplyContext } from './translate';

const ctx: ReplyContext = { distributionRules: [{ id: 'rule-1', label: 'Support' }], defaultTransferTimeoutMs: 30_000, channelDesks: ['channel'] };
const valid = compileSchema(ChatbotActionOrMessageInput);

describe('actionToGraphqlInputs', () => {
  const cases: Array<[string, Action, unknown[]]> = [
    ['text', { type: 'message', content: { type: 'text', text: 'hi' } }, [{ chatbotMessage: { chatbotSimpleTextMessage: 'hi' } }]],
    [
      'quick replies → quickReplyMenu of labels',
      { type: 'message', content: { type: 'quickReplies', text: 'Pick', replies: [{ label: 'A', value: 'a' }, { label: 'B' }] } },
      [{ chatbotMessage: { chatbotMessageAttachmentInput: { quickReplyMenu: { message: 'Pick', choices: ['A', 'B'] } } } }],
    ],
    [
      'a product (not carried by GraphQL) becomes text',
      { type: 'message', content: { type: 'product', name: 'Bike', price: '€10', actions: [{ type: 'link', label: 'Buy', url: 'https://b' }] } },
      [{ chatbotMessage: { chatbotSimpleTextMessage: '**Bike**: €10\n[Buy](https://b)' } }],
    ],
    [
      'handover → transferMessage with seconds (clamped)',
      { type: 'handover', target: { desk: 'channel', queue: 'Support' }, timeoutMs: 5_000 },
      [{ chatbotAction: { transferMessage: { routingRuleId: 'rule-1', transferOptions: { timeout: 15 } } } }],
    ],
    [
      'handover with no usable rule → its fallback, at once',
      { type: 'handover', target: { desk: 'channel', queue: 'Sales' }, fallback: [{ type: 'text', text: 'Nobody' }] },
      [{ chatbotMessage: { chatbotSimpleTextMessage: 'Nobody' } }],
    ],
    ['handover to another desk → nothing', { type: 'handover', target: { desk: 'aivo' } }, []],
    ['close', { type: 'close' }, [{ chatbotAction: { closeMessage: {} } }]],
    ['wait → nothing (the core waits)', { type: 'wait', ms: 10 }, []],
  ];

  it.each(cases)('%s', (_name, action, expected) => {
    const inputs = actionToGraphqlInputs(action, ctx);
    expect(inputs).toEqual(expected);
    for (const input of inputs) expect(valid(input)).toBe(true);
  });

  it('splits a long text into several sends', () => {
    const inputs = actionToGraphqlInputs({ type: 'message', content: { type: 'text', text: 'word '.repeat(200).trim() } }, ctx);
    expect(inputs.length).toBe(3);
    expect(inputs.every((i) => valid(i))).toBe(true);
  });
});
