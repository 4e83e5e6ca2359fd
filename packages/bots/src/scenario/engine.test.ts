import { ScenarioBot } from './scenario-bot';
import { parseScenario } from './load';
import { ConversationDriver, contentTypes, texts } from './__tests__/conversation-driver';

const YAML = `
id: shop
name: Shop
on:
  - { text: menu, goto: welcome }
fallback: ["Global fallback for {{input}}"]
onHandoverFailed: afterFail
onAgentReturn: back
steps:
  - id: welcome
    say:
      - "Hello {{firstName|there}}"
      - type: quickReplies
        text: Pick one
        replies:
          - { label: Orders, value: orders }
          - { label: Shipping costs, value: shipping }
          - { label: Human }
    on:
      - { reply: orders, goto: email }
      - { reply: shipping, say: ["Shipping is free"] }
      - { reply: Human, goto: agent }
      - { text: ["good morning", hi], goto: welcome }
      - { regex: 'order (?<orderNumber>\\d{5})', say: ["Order {{orderNumber}} noted"], goto: done }
    fallback: ["Step fallback"]
  - id: email
    say: ["Your email?"]
    capture: { variable: email, validate: email, retry: ["Not an email ({{input}})"], maxRetries: 1, onFail: agent }
    goto: code
  - id: code
    say: ["Code?"]
    capture: { variable: code, validate: 'regex:^[A-Z]{3}$' }
    goto: thanks
  - id: thanks
    say: ["Thanks {{email}}, code {{code}}", { wait: 500 }]
    goto: done
  - id: done
    on: [{ any: true, say: ["Anything: {{input}}"], goto: bye }]
  - id: agent
    handover:
      desk: aivo
      queue: "vip"
      reason: "for {{email|nobody}}"
      timeoutMs: 60000
      fallback: ["No agent", { type: text, text: "Sorry {{email|}}" }]
  - id: afterFail
    say: ["Agents are away"]
    goto: welcome
  - id: back
    say: ["Welcome back"]
    on: [{ any: true, goto: welcome }]
  - id: bye
    say: ["Bye"]
    close: true
`;

const bot = new ScenarioBot(parseScenario(YAML, 'shop.yaml'));

describe('ScenarioBot turns', () => {
  it('start enters the entry step with templates and their defaults', async () => {
    const chat = new ConversationDriver(bot);
    const actions = await chat.event('start');
    expect(texts(actions)).toEqual(['Hello there', 'Pick one']);
    chat.variables.firstName = 'Ada';
    expect(texts(await chat.event('start'))).toEqual(['Hello Ada', 'Pick one']);
  });

  it('opens with the first messages when the scenario has them, then handles answers in the start step', async () => {
    const withGreeting = new ScenarioBot(parseScenario(`${YAML.replace('fallback: ["Global', 'firstMessages: ["Welcome to the shop", { type: quickReplies, text: "Pick one", replies: [{ label: Orders, value: orders }] }]\nfallback: ["Global')}`, 'greeting.yaml'));
    const chat = new ConversationDriver(withGreeting);
    expect(texts(await chat.event('start'))).toEqual(['Welcome to the shop', 'Pick one']);
    expect(texts(await chat.pick('orders'))).toEqual(['Your email?']);
  });

  it('matches quick-reply values by postback, typed value, typed label and list number', async () => {
    for (const input of [(c: ConversationDriver) => c.pick('orders'), (c: ConversationDriver) => c.say(' ORDERS '), (c: ConversationDriver) => c.say('1.')]) {
      const chat = new ConversationDriver(bot);
      await chat.event('start');
      expect(texts(await input(chat))).toEqual(['Your email?']);
    }
    const chat = new ConversationDriver(bot);
    await chat.event('start');
    expect(texts(await chat.say('shipping costs'))).toEqual(['Shipping is free']); // no goto: stays
    // A reply without a value is picked by its label.
    expect(await chat.say('human')).toEqual([expect.objectContaining({ type: 'handover' })]);
    expect(await new ConversationDriver(bot).pick('Human')).toEqual([expect.objectContaining({ type: 'handover' })]);
  });

  it('matches exact text case-insensitively, regex with named groups, anything, then global and fallbacks', async () => {
    const chat = new ConversationDriver(bot);
    await chat.event('start');
    expect(texts(await chat.say('Good   Morning'))).toEqual(['Hello there', 'Pick one']);
    expect(texts(await chat.say('good morning!'))).toEqual(['Step fallback']);
    const regex = await chat.say('about my ORDER 12345 please');
    expect(regex[0]).toEqual({ type: 'setVariables', variables: { orderNumber: '12345' } });
    expect(texts(regex)).toEqual(['Order 12345 noted']);
    expect(texts(await chat.say('whatever'))).toEqual(['Anything: whatever', 'Bye']);
    const other = new ConversationDriver(bot);
    await other.pick('orders');
    expect(texts(await other.say('menu'))).toEqual(['Hello there', 'Pick one']); // scenario-level trigger
  });

  it('greets instead of apologising when a first message matches nothing', async () => {
    expect(texts(await new ConversationDriver(bot).say('yo'))).toEqual(['Hello there', 'Pick one']);
  });

  it('captures and validates, retries, then gives up to onFail', async () => {
    const chat = new ConversationDriver(bot);
    await chat.pick('orders');
    expect(texts(await chat.say('nope'))).toEqual(['Not an email (nope)']);
    const ok = await chat.say('mine is Ada@Example.org.');
    expect(ok).toEqual([{ type: 'setVariables', variables: { email: 'Ada@Example.org' } }, { type: 'message', content: { type: 'text', text: 'Code?' } }]);
    expect(texts(await chat.say('abc'))).toEqual(['Global fallback for abc']); // no retry text: scenario fallback
    const done = await chat.say('ABC');
    expect(contentTypes(done)).toEqual(['setVariables', 'text', 'wait']);
    expect(texts(done)).toEqual(['Thanks Ada@Example.org, code ABC']);
    expect(chat.variables).toEqual({ email: 'Ada@Example.org', code: 'ABC' });

    const failing = new ConversationDriver(bot);
    await failing.pick('orders');
    await failing.say('x');
    const gaveUp = await failing.say('y');
    expect(gaveUp).toEqual([
      { type: 'handover', target: { desk: 'aivo', queue: 'vip' }, reason: 'for nobody', timeoutMs: 60000, fallback: [{ type: 'text', text: 'No agent' }, { type: 'text', text: 'Sorry ' }] },
    ]);
  });

  it('goes to onHandoverFailed and onAgentReturn, closes and restarts after close', async () => {
    const chat = new ConversationDriver(bot);
    await chat.pick('Human');
    expect(texts(await chat.event('handover.failed'))).toEqual(['Agents are away', 'Hello there', 'Pick one']);
    await chat.pick('Human');
    expect(texts(await chat.event('agent.left'))).toEqual(['Welcome back']);
    await chat.say('ok');
    await chat.say('order 55555');
    const closing = await chat.say('thanks');
    expect(closing.at(-1)).toEqual({ type: 'close' });
    expect(texts(await chat.say('hello?'))).toEqual(['Hello there', 'Pick one']);
  });

  it('ignores events that are not for the bot and keeps its state', async () => {
    const chat = new ConversationDriver(bot);
    await chat.pick('orders');
    const before = chat.botState;
    for (const type of ['delivery', 'agent.message', 'handover.accepted', 'timer'] as const) expect(await chat.event(type)).toEqual([]);
    expect(await chat.send({ type: 'message', author: 'visitor', observeOnly: true, content: { type: 'text', text: 'a@b.co' } })).toEqual([]);
    expect(chat.botState).toEqual(before);
    expect(await chat.event('end')).toEqual([]);
    expect(texts(await chat.say('back'))).toEqual(['Hello there', 'Pick one']);
  });

  it('keeps every conversation in botState only: interleaved conversations do not interfere', async () => {
    const a = new ConversationDriver(bot, 'a');
    const b = new ConversationDriver(bot, 'b');
    await a.pick('orders');
    await b.event('start');
    expect(texts(await b.say('a@b.co'))).toEqual(['Step fallback']); // b is on the menu, not capturing
    expect(texts(await a.say('a@b.co'))).toEqual(['Code?']);
    await b.pick('orders');
    expect(texts(await b.say('b@b.co'))).toEqual(['Code?']);
    expect(texts(await a.say('AAA'))).toEqual(['Thanks a@b.co, code AAA']);
    expect(texts(await b.say('BBB'))).toEqual(['Thanks b@b.co, code BBB']);
    // Same input, same state, same answer: the bot object carries nothing between turns.
    const replay = new ConversationDriver(bot, 'a');
    replay.botState = { scenario: 'shop', step: 'code', retries: 0, vars: { email: 'z@z.io' } };
    expect(texts(await replay.say('ZZZ'))).toEqual(['Thanks z@z.io, code ZZZ']);
    expect(Object.isFrozen(bot.scenario)).toBe(true);
  });

  it('ignores a botState it does not understand (another bot, removed step) and starts fresh', async () => {
    const chat = new ConversationDriver(bot);
    chat.botState = { scenario: 'other', step: 'email', retries: 0, vars: {} };
    expect(texts(await chat.say('x@y.zz'))).toEqual(['Hello there', 'Pick one']);
    chat.botState = { scenario: 'shop', step: 'removed', retries: 0, vars: {} };
    expect(texts(await chat.pick('orders'))).toEqual(['Your email?']);
  });
});
