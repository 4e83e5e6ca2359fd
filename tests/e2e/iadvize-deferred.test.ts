import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Action } from '@botgate/core';
import { WebhookBot } from '@botgate/bots';
import { startIadvizeGateway, type IadvizeGateway } from './iadvize-harness';

// A slow webhook bot: the connector answers [] within its budget and the turn goes out later
// through the GraphQL stand-in, one call per action, in order; a bot that never answers gets
// the fallback text.

const SLOW_TURN: Action[] = [
  { type: 'message', content: { type: 'text', text: 'one' } },
  { type: 'wait', ms: 50 },
  { type: 'message', content: { type: 'text', text: 'two' } },
  { type: 'message', content: { type: 'quickReplies', text: 'three?', replies: [{ label: 'A' }, { label: 'B' }] } },
  { type: 'message', content: { type: 'card', title: 'four', actions: [{ type: 'link', label: 'Open', url: 'https://x.example' }] } },
];

describe('iAdvize e2e: deferred delivery', () => {
  let gateway: IadvizeGateway;
  let botServer: Server;
  const release: Array<() => void> = [];

  beforeEach(async () => {
    const app = express().use(express.json());
    app.post('/turn', (req, res) => {
      const text = String(req.body?.event?.content?.text ?? '');
      if (text === 'hang') return; // never answers: the bot's own timeout decides
      // Answer only after the connector gave up waiting (released by the test).
      release.push(() => res.json({ actions: text === 'slow' ? SLOW_TURN : [] }));
    });
    botServer = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const bot = new WebhookBot({
      id: 'slowbot',
      name: 'Slow bot',
      url: `http://127.0.0.1:${(botServer.address() as AddressInfo).port}/turn`,
      secret: 'webhook-secret',
      timeoutMs: 400,
      fallbackText: 'Sorry, I am slow today. Please try again.',
    });
    gateway = await startIadvizeGateway({ bots: new Map([['slowbot', bot]]), connector: { syncBudgetMs: 100 } });
    await gateway.simulator.setupBot({ idOperator: 'ha-77', idBot: 'slowbot' });
  });

  afterEach(async () => {
    release.splice(0).forEach((answer) => answer());
    await gateway.close();
    botServer.closeAllConnections();
    await new Promise<void>((resolve) => botServer.close(() => resolve()));
  });

  it('answers [] in time, then delivers the turn through GraphQL in order', async () => {
    const { conversation } = await gateway.simulator.openConversation('ha-77');
    const answer = await conversation.postVisitorPayload({ contentType: 'text', value: 'slow' });
    expect(answer).toMatchObject({ status: 200, body: { replies: [] } });
    release.splice(0).forEach((send) => send());
    await conversation.waitFor((e) => e.kind === 'bot' && String(e.payload.value).includes('four'), 5000);
    expect(conversation.transcript.filter((e) => e.kind === 'bot').map((e) => (e.kind === 'bot' ? [e.payload.value, e.via] : []))).toEqual([
      ['one', 'graphql'],
      ['two', 'graphql'],
      ['three?', 'graphql'],
      [expect.stringContaining('four'), 'graphql'],
    ]);
    const sends = gateway.simulator.api.sends;
    expect(sends.every((s) => s.conversationId === conversation.idConversation && s.chatbotId === 77)).toBe(true);
    expect(sends[2].actionOrMessage).toEqual({ chatbotMessage: { chatbotMessageAttachmentInput: { quickReplyMenu: { message: 'three?', choices: ['A', 'B'] } } } });
    expect(gateway.simulator.api.tokensIssued).toBe(1);
  });

  it('sends the fallback text when the bot never completes its turn', async () => {
    const { conversation } = await gateway.simulator.openConversation('ha-77');
    const answer = await conversation.postVisitorPayload({ contentType: 'text', value: 'hang' });
    expect(answer).toMatchObject({ status: 200, body: { replies: [] } });
    await conversation.waitFor((e) => e.kind === 'bot' && e.payload.value === 'Sorry, I am slow today. Please try again.', 5000);
  });

  it('retries a send the API refused for a while', async () => {
    gateway.simulator.api.failNext({ status: 503 }, 1);
    const { conversation } = await gateway.simulator.openConversation('ha-77');
    await conversation.postVisitorPayload({ contentType: 'text', value: 'slow' });
    release.splice(0).forEach((send) => send());
    await conversation.waitFor((e) => e.kind === 'bot' && e.payload.value === 'two', 8000);
    expect(conversation.botTexts().slice(0, 2)).toEqual(['one', 'two']);
  });
});
