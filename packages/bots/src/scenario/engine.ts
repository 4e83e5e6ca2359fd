import { Type, type Static } from '@sinclair/typebox';
import { matches, text, type Action, type BotTurnInput, type BotTurnResult, type Content } from '@botgate/core';
import { normalizeInput, type CompiledStep, type CompiledTrigger, type Scenario } from './compile';
import type { ContentItem, SayItem } from './schema';
import { renderContent, renderTemplate } from './template';

// One scenario turn as a pure function of (scenario, event, conversation, botState). Everything a
// conversation needs next time is in the returned botState, which the core stores on the
// conversation: the bot object holds no per-conversation state, so any worker can take any turn.

export const ScenarioState = Type.Object(
  {
    /** The scenario the state belongs to: a state left by another bot is ignored. */
    scenario: Type.String(),
    step: Type.String(),
    /** Invalid answers to the current capture. */
    retries: Type.Integer({ minimum: 0 }),
    /** Captured variables (also sent as setVariables, kept here so templates never depend on the core). */
    vars: Type.Record(Type.String(), Type.String()),
    closed: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ScenarioState = Static<typeof ScenarioState>;

const DEFAULT_FALLBACK = "Sorry, I didn't get that.";
const DEFAULT_RETRY = "Sorry, that doesn't look right. Could you try again?";
const DEFAULT_MAX_RETRIES = 2;
/** Defensive bound; goto loops without input are rejected at load already. */
const MAX_STEPS_PER_TURN = 50;

interface Turn {
  readonly scenario: Scenario;
  state: ScenarioState;
  readonly actions: Action[];
  /** Conversation variables, then captured ones, then `input`: what templates see. */
  readonly vars: Record<string, string>;
  entered: number;
}

interface Input {
  text: string;
  postback?: string;
  /** text and postback as normalizeInput leaves them: made once, compared with every trigger. */
  typed: string;
  typedPostback?: string;
}

export function runScenarioTurn(scenario: Scenario, input: BotTurnInput): BotTurnResult {
  const { event } = input;
  const stored = matches(ScenarioState, input.botState) && input.botState.scenario === scenario.file.id && scenario.steps.has(input.botState.step)
    ? input.botState
    : undefined;
  const state: ScenarioState = stored ? { ...stored, vars: { ...stored.vars } } : freshState(scenario, {});
  const turn: Turn = { scenario, state, actions: [], vars: { ...input.conversation.variables, ...state.vars }, entered: 0 };
  const unchanged: BotTurnResult = { actions: [], botState: input.botState };
  if (event.observeOnly) return unchanged;

  switch (event.type) {
    case 'start':
      turn.state = freshState(scenario, state.vars);
      if (scenario.file.firstMessages) {
        // A chat that opens (web chat, takeover) shows what iAdvize shows before the visitor
        // writes: the first messages; the answers are then handled by the start step.
        say(turn, scenario.file.firstMessages);
        turn.state = { ...turn.state, step: scenario.start, retries: 0 };
      } else {
        enter(turn, scenario.start);
      }
      break;
    case 'message':
    case 'postback': {
      if (event.author !== 'visitor') return unchanged;
      const answer = inputOf(event);
      if (stored?.closed) {
        // A visitor writing after close starts over, greeted again.
        turn.state = freshState(scenario, state.vars);
        enter(turn, scenario.start);
      } else if (!handleAnswer(turn, answer)) {
        if (stored) fallback(turn, answer);
        // First words of a conversation that match nothing: greet rather than "sorry".
        else enter(turn, scenario.start);
      }
      break;
    }
    case 'handover.failed': {
      const target = currentStep(turn).step.handover?.onFailed ?? scenario.file.onHandoverFailed;
      // Without a target the core's handover fallback is all the visitor needs.
      if (!target) return unchanged;
      enter(turn, target);
      break;
    }
    case 'agent.left':
      if (!scenario.file.onAgentReturn) return unchanged;
      enter(turn, scenario.file.onAgentReturn);
      break;
    case 'end':
      return { actions: [], botState: { ...state, closed: true } };
    default:
      return unchanged;
  }
  return { actions: turn.actions, botState: turn.state };
}

function freshState(scenario: Scenario, vars: Record<string, string>): ScenarioState {
  return { scenario: scenario.file.id, step: scenario.start, retries: 0, vars: { ...vars } };
}

function currentStep(turn: Turn): CompiledStep {
  const step = turn.scenario.steps.get(turn.state.step) ?? turn.scenario.steps.get(turn.scenario.start);
  if (!step) throw new Error(`scenario ${turn.scenario.file.id} has no step ${turn.state.step}`);
  return step;
}

function inputOf(event: BotTurnInput['event']): Input {
  if (event.type === 'postback' && event.postback) {
    const value = event.postback.value;
    const typed = normalizeInput(value);
    return { text: value, postback: value, typed, typedPostback: typed };
  }
  const content = event.content;
  const text = content?.type === 'text' || content?.type === 'quickReplies' ? content.text : '';
  return { text, typed: normalizeInput(text) };
}

/** Triggers first, then the capture. False when nothing took the answer. */
function handleAnswer(turn: Turn, answer: Input): boolean {
  const compiled = currentStep(turn);
  turn.vars.input = answer.text;
  for (const trigger of [...compiled.triggers, ...turn.scenario.triggers]) {
    const found = matchTrigger(trigger, compiled, answer);
    if (!found) continue;
    if (Object.keys(found.variables).length) capture(turn, found.variables);
    say(turn, trigger.trigger.say);
    if (trigger.trigger.goto) enter(turn, trigger.trigger.goto);
    else turn.state.retries = 0;
    return true;
  }
  if (!compiled.capture) return false;
  const { spec, validate } = compiled.capture;
  const value = validate(answer.text);
  if (value !== null) {
    capture(turn, { [spec.variable]: value });
    enter(turn, compiled.step.goto ?? turn.scenario.start);
    return true;
  }
  turn.state.retries += 1;
  if (turn.state.retries > (spec.maxRetries ?? DEFAULT_MAX_RETRIES)) {
    enter(turn, spec.onFail ?? turn.scenario.start);
    return true;
  }
  const retry = spec.retry ?? compiled.step.fallback ?? turn.scenario.file.fallback;
  if (retry) say(turn, retry);
  else say(turn, [DEFAULT_RETRY]);
  return true;
}

function matchTrigger(compiled: CompiledTrigger, step: CompiledStep, answer: Input): { variables: Record<string, string> } | null {
  const { typed } = answer;
  const none = { variables: {} };
  if (compiled.trigger.any) return none;
  if (compiled.texts) return compiled.texts.has(typed) ? none : null;
  if (compiled.replies) {
    if (answer.typedPostback !== undefined) return compiled.replies.has(answer.typedPostback) ? none : null;
    if (compiled.replies.has(typed)) return none;
    const number = typed.replace(/[.)]$/, '');
    const picked = step.choices.find(
      (c) => compiled.replies?.has(c.matchValue) && (c.matchLabel === typed || String(c.position) === number),
    );
    return picked ? none : null;
  }
  if (compiled.regex) {
    const match = answer.text.match(compiled.regex);
    if (!match) return null;
    const variables: Record<string, string> = {};
    for (const [name, value] of Object.entries(match.groups ?? {})) if (value !== undefined) variables[name] = value;
    return { variables };
  }
  return null;
}

function capture(turn: Turn, variables: Record<string, string>): void {
  Object.assign(turn.state.vars, variables);
  Object.assign(turn.vars, variables);
  turn.actions.push({ type: 'setVariables', variables });
}

function fallback(turn: Turn, answer: Input): void {
  const compiled = currentStep(turn);
  turn.vars.input = answer.text;
  const items = compiled.step.fallback ?? turn.scenario.file.fallback;
  if (items) return say(turn, items);
  // No fallback written: apologise and ask the step's question again (without its pauses).
  say(turn, [DEFAULT_FALLBACK, ...(compiled.step.say ?? []).filter((i) => typeof i === 'string' || !('wait' in i))]);
}

/** Enters a step: says its messages, then hands over, closes or moves on. */
function enter(turn: Turn, stepId: string): void {
  turn.entered += 1;
  if (turn.entered > MAX_STEPS_PER_TURN) return;
  const compiled = turn.scenario.steps.get(stepId);
  if (!compiled) return;
  const { step } = compiled;
  const { closed: _closed, ...open } = turn.state;
  turn.state = { ...open, step: step.id, retries: 0 };
  say(turn, step.say);
  if (step.handover) {
    const h = step.handover;
    turn.actions.push({
      type: 'handover',
      target: h.queue === undefined ? { desk: h.desk } : { desk: h.desk, queue: renderTemplate(h.queue, turn.vars) },
      ...(h.reason === undefined ? {} : { reason: renderTemplate(h.reason, turn.vars) }),
      ...(h.timeoutMs === undefined ? {} : { timeoutMs: h.timeoutMs }),
      fallback: h.fallback.map((item) => toContent(item, turn.vars)),
    });
  } else if (step.close) {
    turn.actions.push(typeof step.close === 'string' ? { type: 'close', reason: step.close } : { type: 'close' });
    turn.state.closed = true;
  } else if (step.goto && !step.capture) {
    enter(turn, step.goto);
  }
}

function say(turn: Turn, items: readonly SayItem[] | undefined): void {
  for (const item of items ?? []) {
    if (typeof item === 'object' && 'wait' in item) turn.actions.push({ type: 'wait', ms: item.wait });
    else turn.actions.push({ type: 'message', content: toContent(item, turn.vars) });
  }
}

function toContent(item: ContentItem, vars: Record<string, string>): Content {
  return typeof item === 'string' ? text(renderTemplate(item, vars)) : renderContent(item, vars);
}
