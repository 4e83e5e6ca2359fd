import type { Action } from '../model/action';
import type { Conversation } from '../model/conversation';
import type { ChannelConnector } from '../ports';
import { DEFAULT_ROUTER_POLICY } from './policy';
import { planTurn, type PlanContext } from './turn-plan';

const conversation: Conversation = {
  id: 'c1',
  channel: { vendor: 'api', connector: 'api', tenant: 't', externalId: 'x' },
  botId: 'demo',
  state: 'bot',
  version: 0,
  turn: 1,
  revision: 0,
  variables: { a: '1' },
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};

const say = (text: string): Action => ({ type: 'message', content: { type: 'text', text } });

function context(overrides: Partial<PlanContext> = {}): PlanContext {
  return { now: 1_000, connector: undefined, hasDesk: (name) => name === 'aivo', policy: DEFAULT_ROUTER_POLICY, ...overrides };
}

describe('planTurn', () => {
  it('keeps messages, waits and custom actions in order and merges variables', () => {
    const plan = planTurn(conversation, [say('a'), { type: 'wait', ms: 500 }, { type: 'setVariables', variables: { email: 'x@y.z' } }, say('b'), { type: 'custom', name: 'milestone' }], context());
    expect(plan.channelActions.map((a) => a.type)).toEqual(['message', 'wait', 'message', 'custom']);
    expect(plan.conversation.variables).toEqual({ a: '1', email: 'x@y.z' });
    expect(plan.conversation.state).toBe('bot');
  });

  it('opens a desk on handover to a configured desk and drops what follows', () => {
    const plan = planTurn(conversation, [say('transferring'), { type: 'handover', target: { desk: 'aivo' } }, say('never said')], context());
    expect(plan.conversation.state).toBe('pending');
    expect(plan.deskOps).toEqual([{ desk: 'aivo', op: 'open', reason: 'handover' }]);
    expect(plan.channelActions).toEqual([say('transferring')]);
    expect(plan.handoffDeadline).toBe(1_000 + DEFAULT_ROUTER_POLICY.handoffTimeoutMs);
    expect(plan.notes.join(' ')).toContain('1 action(s) after the handover were dropped');
  });

  it('plays the fallback and stays with the bot when the desk does not exist', () => {
    const plan = planTurn(conversation, [{ type: 'handover', target: { desk: 'nowhere' }, fallback: [{ type: 'text', text: 'no one here' }] }, say('next')], context());
    expect(plan.conversation.state).toBe('bot');
    expect(plan.channelActions).toEqual([say('no one here'), say('next')]);
  });

  it('hands the handover action to a channel with native agents', () => {
    const connector = {
      name: 'iadvize',
      nativeHandover: { initialState: 'pending', channelPlaysFallback: true, onDeadline: 'agent', defaultTimeoutMs: 40_000 },
    } as unknown as ChannelConnector;
    const action: Action = { type: 'handover', target: { desk: 'channel', queue: 'rule-1' }, fallback: [{ type: 'text', text: 'failed' }] };
    const plan = planTurn(conversation, [action], context({ connector }));
    expect(plan.channelActions).toEqual([action]);
    expect(plan.deskOps).toEqual([]);
    expect(plan.handoffDeadline).toBe(41_000);
  });

  it('closes: the channel gets close, a holding desk is closed, later actions are dropped', () => {
    const plan = planTurn(conversation, [say('bye'), { type: 'close' }, say('x')], context());
    expect(plan.channelActions).toEqual([say('bye'), { type: 'close' }]);
    expect(plan.conversation.state).toBe('closed');
  });
});
