import express from 'express';
import request from 'supertest';
import type { Content } from '@botgate/core';
import { FakeConversations, MemoryRecords, RecordingIngress, fakeBot, recordingLogger } from './fakes';
import { createIadvizeConnector, type IadvizeConnectorOptions } from '../index';
import { signIadvizePayload } from '../verify';

// A router wired to recording fakes, and requests signed as iAdvize signs them.

export const SECRET = 'connector-secret';
export const RULE = { id: '5f0c1c1e-0000-4000-8000-000000000001', label: 'Support' };

export function setup(options: Partial<IadvizeConnectorOptions> = {}, firstMessages?: () => Promise<Content[]>) {
  const ingress = new RecordingIngress();
  const records = new MemoryRecords();
  const conversations = new FakeConversations();
  const logger = recordingLogger();
  const bots = new Map([
    ['demo', fakeBot({ id: 'demo', name: 'Demo', description: 'The demo' }, firstMessages)],
    ['faq', fakeBot({ id: 'faq', name: 'FAQ', editorUrl: 'https://editor.example/faq' })],
  ]);
  const iadvize = createIadvizeConnector(
    { secret: SECRET, linksRefreshMs: 0, ...options },
    { ingress, records, conversations, bots, logger, clock: { now: () => Date.parse('2024-05-01T10:00:00Z') } },
  );
  const app = express();
  app.use('/iadvize', iadvize.router);
  return { app, ingress, records, conversations, logger, iadvize };
}

export type App = ReturnType<typeof setup>['app'];

export function signedGet(app: App, path: string) {
  const query = path.includes('?') ? path.slice(path.indexOf('?') + 1) : '';
  return request(app).get(`/iadvize${path}`).set('x-iadvize-signature', signIadvizePayload(SECRET, query));
}

export function signedSend(app: App, method: 'post' | 'put', path: string, body: unknown) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  return request(app)
    [method](`/iadvize${path}`)
    .set('content-type', 'application/json')
    .set('x-iadvize-signature', signIadvizePayload(SECRET, raw))
    .send(raw);
}

export const QS = 'idConnectorVersion=2a4e2d1c-9d0f-4f7b-9a4c-3a0a7b0b1c2d&idWebsite=ha-123';
export const putBody = { name: 'Bot', pseudo: 'Botty', language: 'fr', distributionRules: [RULE], external: { idBot: 'demo' } };

export async function linked(options: Partial<IadvizeConnectorOptions> = {}, firstMessages?: () => Promise<Content[]>) {
  const env = setup(options, firstMessages);
  await signedSend(env.app, 'put', `/bots/ha-42?${QS}`, putBody).expect(200);
  return env;
}

export function visitorMessage(text: unknown, idMessage = 'm-1', contentType = 'text') {
  return {
    idOperator: 'ha-42',
    message: {
      idMessage,
      author: { role: 'visitor' },
      payload: { contentType, value: text },
      createdAt: '2017-11-22T12:04:00.762Z[Etc/UTC]',
    },
  };
}

