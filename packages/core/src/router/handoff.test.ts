import type { Conversation } from '../model/conversation';
import {
  attendHandover,
  closeConversation,
  HandoffTransitionError,
  heldByHuman,
  releaseToBot,
  requestHandover,
} from './handoff';

function conversation(overrides: Partial<Conversation> = {}): Conversation {
  return {
    id: 'c1',
    channel: { vendor: 'api', connector: 'api', tenant: 't', externalId: 'x' },
    botId: 'demo',
    state: 'bot',
    version: 3,
    turn: 1,
    revision: 7,
    variables: {},
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

const handover = { type: 'handover' as const, target: { desk: 'aivo', queue: '12' }, fallback: [{ type: 'text' as const, text: 'sorry' }] };

describe('handoff state machine', () => {
  it('bot → pending with a deadline and a version bump', () => {
    const next = requestHandover(conversation(), { action: handover, now: 1000, defaultTimeoutMs: 60_000 });
    expect(next.state).toBe('pending');
    expect(next.version).toBe(4);
    expect(next.handoff).toMatchObject({ target: { desk: 'aivo', queue: '12' }, deadline: 61_000, fallback: handover.fallback });
    expect(heldByHuman(next)).toBe(true);
  });

  it('uses the action timeout first, then the channel default, then the policy default', () => {
    const native = { initialState: 'pending' as const, channelPlaysFallback: true, onDeadline: 'agent' as const, defaultTimeoutMs: 30_000 };
    expect(requestHandover(conversation(), { action: { ...handover, timeoutMs: 5000 }, now: 0, native, defaultTimeoutMs: 1 }).handoff?.deadline).toBe(5000);
    expect(requestHandover(conversation(), { action: handover, now: 0, native, defaultTimeoutMs: 1 }).handoff?.deadline).toBe(30_000);
  });

  it('goes straight to agent when the channel takes conversations at once (CCSP)', () => {
    const native = { initialState: 'agent' as const, channelPlaysFallback: false, onDeadline: 'agent' as const, defaultTimeoutMs: 1 };
    const next = requestHandover(conversation(), { action: { ...handover, target: { desk: 'channel' } }, now: 5, native, defaultTimeoutMs: 1 });
    expect(next.state).toBe('agent');
    expect(next.handoff?.deadline).toBeUndefined();
    expect(next.handoff?.attendedAt).toBe(new Date(5).toISOString());
  });

  it('pending → agent → bot, each a new version; attend is idempotent', () => {
    const pending = requestHandover(conversation(), { action: handover, now: 0, defaultTimeoutMs: 10 });
    const agent = attendHandover(pending, 20, 'aivo-conv-1');
    expect(agent).toMatchObject({ state: 'agent', version: pending.version + 1 });
    expect(agent.handoff?.deskRef).toBe('aivo-conv-1');
    expect(agent.handoff?.deadline).toBeUndefined();
    expect(attendHandover(agent, 30)).toBe(agent);
    const back = releaseToBot(agent);
    expect(back).toMatchObject({ state: 'bot', version: agent.version + 1 });
    expect(back.handoff).toBeUndefined();
  });

  it('refuses transitions the state does not allow', () => {
    expect(() => releaseToBot(conversation())).toThrow(HandoffTransitionError);
    expect(() => attendHandover(conversation(), 0)).toThrow(HandoffTransitionError);
    const pending = requestHandover(conversation(), { action: handover, now: 0, defaultTimeoutMs: 10 });
    expect(() => requestHandover(pending, { action: handover, now: 0, defaultTimeoutMs: 10 })).toThrow(HandoffTransitionError);
  });

  it('close is allowed from every state and idempotent', () => {
    const closed = closeConversation(conversation(), 99);
    expect(closed).toMatchObject({ state: 'closed', version: 4, closedAt: new Date(99).toISOString() });
    expect(closeConversation(closed, 100)).toBe(closed);
  });
});
