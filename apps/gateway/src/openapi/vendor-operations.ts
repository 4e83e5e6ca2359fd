import { Type } from '@sinclair/typebox';
import {
  AvailabilityStrategyList,
  BotResponse,
  ConversationResponse,
  ExternalBotList,
  FirstMessagesResponse,
  HealthcheckResponse,
  PostMessageRequest,
  PutBotRequest,
  StartConversationRequest,
} from '@botgate/iadvize';
import { ImiconnectInboundSchema } from '@botgate/imiconnect';
import { AivoWebhookBody } from '@botgate/aivo';
import { error, json, type OperationSpec } from './openapi-builder';

// The vendor webhooks, described with the vendor packages' own validation schemas.

const iadvizeQuery = [{ name: 'idWebsite', description: 'the iAdvize website (tenant) id', schema: Type.String({ maxLength: 128 }) }];

export function iadvizeOperations(): OperationSpec[] {
  const tag = 'iAdvize';
  const security = 'iadvizeSignature';
  const signed = (spec: Omit<OperationSpec, 'tag' | 'security'>): OperationSpec => ({
    ...spec,
    tag,
    security,
    responses: { ...spec.responses, '401': error('missing or wrong X-iAdvize-Signature') },
  });
  return [
    { method: 'get', path: '/iadvize/healthcheck', tag, summary: 'iAdvize health check', responses: { '200': json('up', HealthcheckResponse) } },
    signed({ method: 'get', path: '/iadvize/external-bots', summary: 'the bots (scenarios) iAdvize may link operators to', responses: { '200': json('bots', ExternalBotList) } }),
    signed({
      method: 'put',
      path: '/iadvize/bots/:idOperator',
      summary: 'link a bot operator to a scenario',
      body: { schema: PutBotRequest },
      responses: { '200': json('the stored link', BotResponse), '400': error('invalid body'), '404': error('unknown bot') },
    }),
    signed({ method: 'get', path: '/iadvize/bots/:idOperator', summary: "a bot operator's link", responses: { '200': json('the link', BotResponse), '404': error('no link') } }),
    signed({ method: 'get', path: '/iadvize/availability-strategies', summary: 'availability strategies per scenario', query: iadvizeQuery, responses: { '200': json('strategies', AvailabilityStrategyList) } }),
    signed({
      method: 'get',
      path: '/iadvize/bots/:idOperator/conversation-first-messages',
      summary: 'messages shown when a chat opens',
      query: iadvizeQuery,
      responses: { '200': json('first messages', FirstMessagesResponse), '404': error('no link') },
    }),
    signed({
      method: 'post',
      path: '/iadvize/conversations',
      summary: 'a conversation starts',
      query: iadvizeQuery,
      body: { schema: StartConversationRequest },
      responses: { '200': json('replies so far', ConversationResponse), '400': error('invalid body') },
    }),
    signed({
      method: 'post',
      path: '/iadvize/conversations/:idConversation/messages',
      summary: 'a visitor (or operator echo) message; replies in the response when the bot is fast enough',
      query: iadvizeQuery,
      body: { schema: PostMessageRequest },
      responses: { '200': json('the turn replies ([] when deferred to GraphQL)', ConversationResponse), '400': error('invalid body'), '404': error('unknown operator') },
    }),
  ];
}

export function imiconnectOperations(): OperationSpec[] {
  const tag = 'IMIconnect';
  const security = 'imiconnectToken';
  const ack = json('acknowledged', Type.Object({}, { additionalProperties: true }));
  return [
    { method: 'get', path: '/imiconnect/:integrationId', tag, security, summary: 'webhook verification (GET or HEAD)', responses: { '200': ack, '401': error('wrong token'), '404': error('unknown integration') } },
    { method: 'head', path: '/imiconnect/:integrationId', tag, security, summary: 'webhook verification (HEAD)', responses: { '200': { description: 'acknowledged' } } },
    {
      method: 'post',
      path: '/imiconnect/:integrationId',
      tag,
      security,
      summary: 'bot webhook event (message, postback, delivery receipt, handover...)',
      description: 'JSON or form-encoded; keys are matched case- and punctuation-insensitively before validation against this schema.',
      body: { schema: ImiconnectInboundSchema },
      responses: { '200': ack, '400': error('invalid event'), '401': error('wrong token or signature'), '404': error('unknown integration'), '503': error('storage unavailable: retry') },
    },
  ];
}

export function aivoOperations(): OperationSpec[] {
  return [
    {
      method: 'post',
      path: '/aivo/:deskId/events',
      tag: 'Aivo Live',
      security: 'aivoWebhook',
      summary: 'agent events (message, attended, closed), one or a batch',
      body: { schema: AivoWebhookBody },
      responses: {
        '200': json('counts', Type.Object({ accepted: Type.Integer(), duplicates: Type.Integer(), ignored: Type.Integer() })),
        '400': error('invalid event'),
        '401': error('wrong secret or signature'),
        '404': error('unknown desk or conversation'),
        '503': error('storage unavailable: retry'),
      },
    },
  ];
}
