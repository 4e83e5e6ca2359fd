import { join } from 'node:path';
import { ActionList, CONTENT_TYPES, compileSchema, type Action } from '@botgate/core';
import { ScenarioBot } from './scenario-bot';
import { loadScenarioDir, loadScenarioFile } from './load';
import { ConversationDriver, contentTypes, texts } from './__tests__/conversation-driver';

const DEMO = join(__dirname, '../../../../scenarios/demo.yaml');
const validActions = compileSchema(ActionList);

describe('scenarios/demo.yaml', () => {
  let bot: ScenarioBot;
  beforeAll(async () => {
    bot = await ScenarioBot.fromFile(DEMO);
  });

  it('loads, alone and with its directory, and describes the bot', async () => {
    expect(bot.descriptor).toMatchObject({ id: 'demo', name: 'Acme store assistant', language: 'en' });
    expect(bot.descriptor.editorUrl).toMatch(/^https:\/\//);
    expect(bot.descriptor.description).toBeTruthy();
    expect((await loadScenarioDir(join(DEMO, '..'))).map((s) => s.file.id)).toContain('demo');
    expect((await loadScenarioFile(DEMO)).start).toBe('menu');
  });

  it('opens with first messages: a greeting and the menu', async () => {
    expect((await bot.firstMessages()).map((c) => c.type)).toEqual(['text', 'quickReplies']);
  });

  it('walks through every content type, a captured email and order number, a handover and close', async () => {
    const chat = new ConversationDriver(bot);
    const seen = new Set<string>();
    const step = async (actions: Promise<Action[]>) => {
      const played = await actions;
      expect(validActions(played)).toBe(true);
      contentTypes(played).forEach((t) => seen.add(t));
      return played;
    };

    expect(texts(await step(chat.pick('track')))).toEqual([expect.stringContaining('email address')]);
    expect(texts(await step(chat.say('no idea')))).toEqual([expect.stringContaining('“no idea” doesn\'t look like an email')]);
    expect(texts(await step(chat.say('sure, it is jo@example.com')))).toEqual([expect.stringContaining('jo@example.com')]);
    expect(chat.variables).toEqual({ email: 'jo@example.com' });

    const order = await step(chat.say('#acme-10042'));
    expect(chat.variables.orderNumber).toBe('ACME-10042');
    expect(contentTypes(order)).toEqual(['setVariables', 'text', 'wait', 'text', 'file', 'card']);
    expect(JSON.stringify(order)).toContain('https://track.acme.example/?order=ACME-10042');

    const choose = await step(chat.pick('order-agent'));
    expect(texts(choose)).toEqual(['Who would you like to talk to?']);
    const handover = await step(chat.pick('desk-channel'));
    expect(handover.at(-1)).toMatchObject({
      type: 'handover',
      target: { desk: 'channel', queue: 'order-support' },
      reason: 'Order help: ACME-10042 / jo@example.com',
      fallback: [{ type: 'text' }, { type: 'text' }],
    });

    expect(texts(await step(chat.event('handover.failed')))).toEqual(['Is there anything else I can do for you meanwhile?']);
    await step(chat.pick('failed-menu'));
    expect(contentTypes(await step(chat.pick('browse')))).toEqual(['text', 'carousel']);
    expect(contentTypes(await step(chat.pick('cat-gadgets')))).toEqual(['productCarousel', 'quickReplies']);
    expect(contentTypes(await step(chat.pick('show-skates')))).toEqual(['product', 'quickReplies']);
    // Typed label of a quick reply works like the tap.
    await step(chat.say('back to menu'));
    expect(contentTypes(await step(chat.say('3')))).toEqual(['text', 'file', 'quickReplies']); // "3." = Returns

    // The other desk: Aivo, with its own fallback.
    await step(chat.say('I want a human'));
    expect((await step(chat.pick('desk-aivo'))).at(-1)).toMatchObject({ type: 'handover', target: { desk: 'aivo', queue: '12,13' }, fallback: [{ type: 'text' }] });
    expect(texts(await step(chat.event('agent.left')))).toEqual(['Welcome back! Anything else?']);

    const bye = await step(chat.pick('back-bye'));
    expect(bye.at(-1)).toEqual({ type: 'close', reason: 'visitor done' });
    expect([...CONTENT_TYPES].filter((t) => !seen.has(t))).toEqual([]);

    // Writing again after close starts over with the menu.
    expect(contentTypes(await step(chat.say('hello again')))).toEqual(['quickReplies']);
  });
});
