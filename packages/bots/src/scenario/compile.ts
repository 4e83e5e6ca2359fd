import type { Content } from '@botgate/core';
import { captureValidator, type CaptureValidator } from './capture-validators';
import type { RawIssue } from './schema-issues';
import type { Capture, ContentItem, SayItem, ScenarioFile, Step, Trigger } from './schema';

// From a schema-valid file to what the engine runs: regexes compiled once, quick-reply choices
// indexed, and every cross-reference checked. Compiled scenarios are frozen, shared, read-only.

export interface CompiledTrigger {
  readonly trigger: Trigger;
  readonly texts?: ReadonlySet<string>;
  readonly replies?: ReadonlySet<string>;
  readonly regex?: RegExp;
}

/** A button or quick reply a step offers: typed label or list number count as picking it. */
export interface Choice {
  readonly value: string;
  readonly label: string;
  /** 1-based position in the step's (last) quick replies: channels without buttons show numbers. */
  readonly position?: number;
  /** value and label as normalizeInput leaves them (compared with every answer: made once). */
  readonly matchValue: string;
  readonly matchLabel: string;
}

export interface CompiledStep {
  readonly step: Step;
  readonly triggers: readonly CompiledTrigger[];
  readonly choices: readonly Choice[];
  readonly capture?: { readonly spec: Capture; readonly validate: CaptureValidator };
}

export interface Scenario {
  readonly file: ScenarioFile;
  /** Where it was loaded from (file name), for logs and errors. */
  readonly source: string;
  readonly start: string;
  readonly steps: ReadonlyMap<string, CompiledStep>;
  /** Scenario-level triggers, tried after the current step's. */
  readonly triggers: readonly CompiledTrigger[];
}

/** Case, surrounding and repeated spaces do not matter when matching what visitors type. */
export function normalizeInput(value: string): string {
  return value.trim().replace(/\s+/g, ' ').toLowerCase();
}

export function compileScenario(file: ScenarioFile, source: string): { scenario?: Scenario; issues: RawIssue[] } {
  const issues: RawIssue[] = [];
  const index = new Map<string, number>();
  file.steps.forEach((step, i) => {
    const first = index.get(step.id);
    if (first === undefined) index.set(step.id, i);
    else issues.push({ path: `/steps/${i}/id`, reason: `duplicate step id "${step.id}" (first at /steps/${first})` });
  });
  const ref = (id: string | undefined, path: string): void => {
    if (id !== undefined && !index.has(id)) issues.push({ path, reason: `unknown step "${id}"` });
  };
  ref(file.start, '/start');
  ref(file.onHandoverFailed, '/onHandoverFailed');
  ref(file.onAgentReturn, '/onAgentReturn');
  checkChoices(file.firstMessages ?? [], '/firstMessages', issues);
  const globalTriggers = (file.on ?? []).map((trigger, j) => {
    ref(trigger.goto, `/on/${j}/goto`);
    checkChoices(trigger.say ?? [], `/on/${j}/say`, issues);
    return compileTrigger(trigger, `/on/${j}`, issues);
  });
  checkChoices(file.fallback ?? [], '/fallback', issues);

  const steps = new Map<string, CompiledStep>();
  file.steps.forEach((step, i) => {
    const at = `/steps/${i}`;
    checkShape(step, at, issues);
    ref(step.goto, `${at}/goto`);
    ref(step.capture?.onFail, `${at}/capture/onFail`);
    ref(step.handover?.onFailed, `${at}/handover/onFailed`);
    checkChoices(step.say ?? [], `${at}/say`, issues);
    checkChoices(step.fallback ?? [], `${at}/fallback`, issues);
    checkChoices(step.handover?.fallback ?? [], `${at}/handover/fallback`, issues);
    const triggers = (step.on ?? []).map((trigger, j) => {
      ref(trigger.goto, `${at}/on/${j}/goto`);
      checkChoices(trigger.say ?? [], `${at}/on/${j}/say`, issues);
      return compileTrigger(trigger, `${at}/on/${j}`, issues);
    });
    let capture: CompiledStep['capture'];
    if (step.capture) {
      const validate = captureValidator(step.capture.validate);
      if (typeof validate === 'function') capture = { spec: step.capture, validate };
      else issues.push({ path: `${at}/capture/validate`, reason: validate.error });
    }
    if (!steps.has(step.id)) steps.set(step.id, { step, triggers, capture, choices: choicesOf(step) });
  });
  checkGotoLoops(file, index, issues);
  if (issues.length) return { issues };
  const scenario: Scenario = { file, source, start: file.start ?? file.steps[0].id, steps, triggers: globalTriggers };
  return { scenario: Object.freeze(scenario), issues };
}

function checkShape(step: Step, at: string, issues: RawIssue[]): void {
  const add = (reason: string): void => void issues.push({ path: at, reason });
  if (!step.on && !step.capture && !step.goto && !step.handover && !step.close) {
    add('a step must end with on, capture, goto, handover or close (else the next answer has nowhere to go)');
  }
  if (step.capture && !step.goto) add('capture needs a goto: the step to go to once the value is captured');
  if (step.goto && step.on && !step.capture) add('on is never used: goto moves on right after say (put goto in the triggers)');
  if (step.close && (step.goto || step.on || step.capture || step.handover)) {
    add('a closing step cannot also have goto, on, capture or handover');
  }
  if (step.handover && (step.goto || step.capture)) add('a handover step cannot also have goto or capture');
}

function compileTrigger(trigger: Trigger, at: string, issues: RawIssue[]): CompiledTrigger {
  const matchers = (['text', 'reply', 'regex', 'any'] as const).filter((k) => trigger[k] !== undefined);
  if (matchers.length !== 1) {
    issues.push({ path: at, reason: `a trigger needs exactly one of text, reply, regex, any (found ${matchers.join(', ') || 'none'})` });
  }
  const set = (v: string | string[] | undefined): ReadonlySet<string> | undefined =>
    v === undefined ? undefined : new Set((Array.isArray(v) ? v : [v]).map(normalizeInput));
  let regex: RegExp | undefined;
  if (trigger.regex !== undefined) {
    try {
      regex = new RegExp(trigger.regex, 'i'); // no g flag: stateless, shared by every conversation
    } catch (error) {
      issues.push({ path: `${at}/regex`, reason: `invalid regex: ${(error as Error).message}` });
    }
  }
  return { trigger, texts: set(trigger.text), replies: set(trigger.reply), regex };
}

function contents(items: readonly (SayItem | ContentItem)[]): Array<{ content: Content; i: number }> {
  return items.flatMap((item, i) => (typeof item === 'object' && 'type' in item ? [{ content: item, i }] : []));
}

/** Quick-reply values must be unique per question, else a pick is ambiguous. */
function checkChoices(items: readonly (SayItem | ContentItem)[], at: string, issues: RawIssue[]): void {
  for (const { content, i } of contents(items)) {
    if (content.type !== 'quickReplies') continue;
    const seen = new Set<string>();
    content.replies.forEach((reply, k) => {
      const value = normalizeInput(reply.value ?? reply.label);
      if (seen.has(value)) issues.push({ path: `${at}/${i}/replies/${k}`, reason: `duplicate quick reply value "${value}"` });
      seen.add(value);
    });
  }
}

function choice(value: string, label: string, position?: number): Choice {
  return { value, label, position, matchValue: normalizeInput(value), matchLabel: normalizeInput(label) };
}

function choicesOf(step: Step): Choice[] {
  const choices: Choice[] = [];
  const items = [...(step.say ?? []), ...(step.fallback ?? [])];
  const quick = contents(step.say ?? []).filter(({ content }) => content.type === 'quickReplies');
  const numbered = quick.length ? quick[quick.length - 1].content : undefined;
  for (const { content } of contents(items)) {
    if (content.type === 'quickReplies') {
      content.replies.forEach((r, k) =>
        choices.push(choice(r.value ?? r.label, r.label, content === numbered ? k + 1 : undefined)),
      );
    }
    const cards = content.type === 'card' ? [content] : content.type === 'carousel' ? content.cards : [];
    for (const card of cards) {
      for (const action of card.actions) if (action.type === 'postback') choices.push(choice(action.value, action.label));
    }
  }
  return choices;
}

/** Steps that goto on without waiting must not loop, or a turn would never end. */
function checkGotoLoops(file: ScenarioFile, index: Map<string, number>, issues: RawIssue[]): void {
  const reported = new Set<string>();
  for (const step of file.steps) {
    const chain: string[] = [];
    let current: Step | undefined = step;
    while (current && current.goto && !current.capture) {
      if (chain.includes(current.id)) {
        if (!reported.has(current.id)) {
          chain.forEach((id) => reported.add(id));
          issues.push({ path: `/steps/${index.get(current.id)}/goto`, reason: `goto loop without waiting for the visitor: ${[...chain, current.id].join(' → ')}` });
        }
        break;
      }
      chain.push(current.id);
      const next = index.get(current.goto);
      current = next === undefined ? undefined : file.steps[next];
    }
  }
}
