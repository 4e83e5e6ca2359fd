import { Type } from '@sinclair/typebox';
import { Action, ConversationState } from '@botgate/core';
import { OpenConversationBody, PostbackMessageBody, TextMessageBody } from '../channels/api/api-schemas';
import { ConversationDetail, ConversationList, DeadLetterList, ReplayResult, VendorHealth } from '../admin/admin-schemas';
import { error, htmlPage, json, redirect, type OperationSpec } from './openapi-builder';

// The gateway's own surfaces: health, metrics, this document, the canonical API channel and
// the ops dashboard (its JSON API and its pages).

export function healthOperations(): OperationSpec[] {
  const tag = 'Operations';
  return [
    { method: 'get', path: '/healthz', tag, summary: 'liveness: the process answers', responses: { '200': json('alive', Type.Object({ status: Type.Literal('ok') })) } },
    {
      method: 'get',
      path: '/readyz',
      tag,
      summary: 'readiness: storage answers and workers run (roles worker / all); 503 while shutting down',
      responses: { '200': json('ready', Type.Object({ status: Type.Literal('ready'), checks: Type.Record(Type.String(), Type.String()) })), '503': error('not ready') },
    },
    { method: 'get', path: '/openapi.json', tag, summary: 'this document', responses: { '200': json('OpenAPI 3.1', Type.Object({}, { additionalProperties: true })) } },
  ];
}

export function metricsOperations(protectedByToken: boolean): OperationSpec[] {
  return [
    {
      method: 'get',
      path: '/metrics',
      tag: 'Operations',
      summary: 'Prometheus metrics (text exposition format)',
      ...(protectedByToken ? { security: 'metricsToken' } : {}),
      responses: { '200': { description: 'metrics', schema: { type: 'string' }, contentType: 'text/plain; version=0.0.4' }, '401': error('bearer token required') },
    },
  ];
}

const ExternalId = Type.String({ minLength: 1, maxLength: 128 });
const Accepted = Type.Object({ eventId: Type.String(), conversationId: Type.String(), duplicate: Type.Boolean() });
const PolledAction = Type.Object({ cursor: Type.String(), deliveryId: Type.String(), conversationId: Type.String(), action: Action, at: Type.String() });

export function apiChannelOperations(): OperationSpec[] {
  const tag = 'API channel';
  const security = 'apiToken';
  const cursorQuery = { name: 'after', description: 'cursor of the last action seen (0: from the start)', schema: Type.Integer({ minimum: 0 }) };
  return [
    {
      method: 'post',
      path: '/api/v1/conversations',
      tag,
      security,
      summary: 'open a conversation (the bot plays its start step)',
      body: { schema: OpenConversationBody },
      responses: { '201': json('opened', Type.Object({ conversationId: Type.String(), externalId: ExternalId })), '400': error('invalid body'), '401': error('missing or unknown token') },
    },
    {
      method: 'post',
      path: '/api/v1/conversations/:externalId/messages',
      tag,
      security,
      summary: 'a visitor text or postback',
      body: { schema: Type.Union([TextMessageBody, PostbackMessageBody]) },
      responses: { '202': json('queued for the bot', Accepted), '400': error('invalid body'), '404': error('unknown conversation') },
    },
    { method: 'delete', path: '/api/v1/conversations/:externalId', tag, security, summary: 'the visitor leaves', responses: { '202': json('queued', Accepted), '404': error('unknown conversation') } },
    {
      method: 'get',
      path: '/api/v1/conversations/:externalId/actions',
      tag,
      security,
      summary: 'actions after a cursor, long-polling up to `wait` ms',
      query: [cursorQuery, { name: 'wait', description: 'longest wait in ms (capped by channels.api.maxWaitMs)', schema: Type.Integer({ minimum: 0 }) }],
      responses: {
        '200': json('actions in order', Type.Object({ conversationId: Type.String(), state: ConversationState, actions: Type.Array(PolledAction), cursor: Type.String() })),
        '404': error('unknown conversation'),
      },
    },
    {
      method: 'get',
      path: '/api/v1/conversations/:externalId/events',
      tag,
      security,
      summary: 'server-sent events: `action` events (data: a polled action), resumable with Last-Event-ID',
      query: [cursorQuery],
      headers: [{ name: 'Last-Event-ID', description: 'resume after this cursor' }],
      responses: { '200': { description: 'event stream', schema: { type: 'string' }, contentType: 'text/event-stream' }, '404': error('unknown conversation') },
    },
  ];
}

export function adminOperations(options: { bullBoard: boolean }): OperationSpec[] {
  const api = 'Admin API';
  const ui = 'Admin pages';
  const security = 'adminSession';
  const csrf = [{ name: 'X-CSRF-Token', description: 'the session CSRF token (also accepted as X-XSRF-TOKEN, or _csrf in a form)', required: true }];
  const filters = ['vendor', 'tenant', 'state', 'q', 'limit'].map((name) => ({
    name,
    description: name === 'q' ? 'conversation id, vendor conversation id or user id (exact or prefix)' : `filter by ${name}`,
    schema: name === 'state' ? ConversationState : name === 'limit' ? Type.Integer({ minimum: 1, maximum: 500 }) : Type.String(),
  }));
  const page = (path: string, summary: string, extra: Partial<OperationSpec> = {}): OperationSpec => ({
    method: 'get',
    path,
    tag: ui,
    security,
    summary,
    responses: { '200': htmlPage(summary), '303': redirect('to the login form without a session') },
    ...extra,
  });
  const formPost = (path: string, summary: string): OperationSpec => ({
    method: 'post',
    path,
    tag: ui,
    security,
    summary,
    body: { schema: Type.Object({ _csrf: Type.String() }), contentType: 'application/x-www-form-urlencoded' },
    responses: { '303': redirect('back to the page'), '403': error('cross-origin or bad CSRF token') },
  });
  return [
    { method: 'get', path: '/admin/api/conversations', tag: api, security, summary: 'conversations, most recently updated first', query: filters, responses: { '200': json('conversations', ConversationList), '401': error('no session') } },
    { method: 'get', path: '/admin/api/conversations/:conversationId', tag: api, security, summary: 'a conversation and its timeline', responses: { '200': json('detail', ConversationDetail), '404': error('unknown conversation') } },
    { method: 'get', path: '/admin/api/dead-letters', tag: api, security, summary: 'dead letters, newest first', responses: { '200': json('dead letters', DeadLetterList) } },
    { method: 'post', path: '/admin/api/dead-letters/replay-all', tag: api, security, headers: csrf, summary: 'replay every dead letter', responses: { '200': json('counts', ReplayResult), '403': error('cross-origin or bad CSRF token') } },
    { method: 'post', path: '/admin/api/dead-letters/:deadLetterId/replay', tag: api, security, headers: csrf, summary: 'replay one dead letter', responses: { '200': json('replayed', ReplayResult), '403': error('cross-origin or bad CSRF token'), '404': error('unknown dead letter') } },
    { method: 'get', path: '/admin/api/health', tag: api, security, summary: 'per connector / desk: breaker, delivery counts, dead letters', responses: { '200': json('health', VendorHealth) } },
    { method: 'get', path: '/admin/login', tag: ui, summary: 'login form', responses: { '200': htmlPage('login form') } },
    {
      method: 'post',
      path: '/admin/login',
      tag: ui,
      summary: 'log in (sets the session and XSRF-TOKEN cookies)',
      body: { schema: Type.Object({ username: Type.String(), password: Type.String(), _csrf: Type.String(), next: Type.Optional(Type.String()) }), contentType: 'application/x-www-form-urlencoded' },
      responses: { '303': redirect('logged in'), '401': htmlPage('wrong credentials'), '403': htmlPage('expired form or cross-origin'), '429': htmlPage('too many failures') },
    },
    formPost('/admin/logout', 'log out'),
    page('/admin', 'redirects to the conversations', { responses: { '303': redirect('to /admin/conversations') } }),
    page('/admin/conversations', 'conversations page', { query: filters }),
    page('/admin/conversations/:conversationId', 'conversation timeline page'),
    page('/admin/dead-letters', 'dead letters page'),
    formPost('/admin/dead-letters/replay-all', 'replay every dead letter'),
    formPost('/admin/dead-letters/:deadLetterId/replay', 'replay one dead letter'),
    page('/admin/health', 'vendor health page'),
    page('/admin/queues', options.bullBoard ? 'bull-board (its own API lives under /admin/queues/api)' : 'notice: no BullMQ queues on the memory driver'),
    { method: 'get', path: '/admin/assets/admin.css', tag: ui, summary: 'stylesheet', responses: { '200': { description: 'css', schema: { type: 'string' }, contentType: 'text/css' } } },
    { method: 'get', path: '/admin/assets/admin.js', tag: ui, summary: 'auto-refresh script', responses: { '200': { description: 'js', schema: { type: 'string' }, contentType: 'application/javascript' } } },
  ];
}
