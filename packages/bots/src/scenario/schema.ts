import { Type, type Static } from '@sinclair/typebox';
import { Content } from '@botgate/core';

// The scenario file format, as a JSON schema (editors can use it for completion) and the
// TypeScript types derived from it. Cross-references (goto targets, regexes, retries) are checked
// after the schema by checks.ts.

/** Marks the unions whose errors schema-issues.ts explains by content type (TypeBox may copy schemas). */
export const ITEM_MARK = 'x-scenario-item';

const StepId = Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_.-]*$', maxLength: 64, description: 'a step id' });
const VariableName = Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', maxLength: 64 });
const NonEmpty = Type.String({ minLength: 1 });

export const WaitItem = Type.Object(
  { wait: Type.Integer({ minimum: 0, maximum: 3_600_000, description: 'pause, ms' }) },
  { additionalProperties: false },
);

/** Content as written in a scenario: `"text"` is markdown text, or any canonical content object. */
export const ContentItem = Type.Union([NonEmpty, Content], {
  description: 'a text or a content object with a type',
  [ITEM_MARK]: 'content',
});
export type ContentItem = Static<typeof ContentItem>;

/** One thing the bot does while saying: a text, a content object or {wait: ms}. */
export const SayItem = Type.Union([NonEmpty, WaitItem, Content], {
  description: 'a text, {wait: ms} or a content object with a type',
  [ITEM_MARK]: 'say',
});
export type SayItem = Static<typeof SayItem>;

const Say = Type.Array(SayItem, { minItems: 1, maxItems: 50 });
const StringOrList = Type.Union([NonEmpty, Type.Array(NonEmpty, { minItems: 1 })], {
  description: 'a string or a list of strings',
});

/** `when` the visitor's input matches one matcher (text, reply, regex or any): say, then goto. */
export const Trigger = Type.Object(
  {
    /** Exact text, case- and space-insensitive. */
    text: Type.Optional(StringOrList),
    /** A quick reply / button value: its postback, its label typed, or its number in the list. */
    reply: Type.Optional(StringOrList),
    /** A regular expression, case-insensitive; named groups become variables. */
    regex: Type.Optional(NonEmpty),
    /** Anything (the "else" branch). */
    any: Type.Optional(Type.Literal(true)),
    say: Type.Optional(Say),
    /** Where to go; absent: stay on this step without repeating it. */
    goto: Type.Optional(StepId),
  },
  { additionalProperties: false },
);
export type Trigger = Static<typeof Trigger>;

export const Capture = Type.Object(
  {
    variable: VariableName,
    /** email | orderNumber | phone | any | regex:<pattern>. Default any. */
    validate: Type.Optional(Type.String({ pattern: '^(email|orderNumber|phone|any|regex:.+)$', description: 'email, orderNumber, phone, any or regex:<pattern>' })),
    /** Said when the input is invalid (default: the step's or the scenario's fallback). */
    retry: Type.Optional(Say),
    /** Invalid answers accepted before giving up (default 2). */
    maxRetries: Type.Optional(Type.Integer({ minimum: 0, maximum: 20 })),
    /** Where to go after too many invalid answers (default: the start step). */
    onFail: Type.Optional(StepId),
  },
  { additionalProperties: false },
);
export type Capture = Static<typeof Capture>;

export const ScenarioHandover = Type.Object(
  {
    /** "channel" = the vendor's own agents; otherwise a desk from config (e.g. "aivo"). */
    desk: Type.String({ minLength: 1, maxLength: 128 }),
    queue: Type.Optional(Type.String({ maxLength: 256 })),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: 86_400_000 })),
    /** Shown when the handover fails or no agent attends in time. Required: never leave a visitor hanging. */
    fallback: Type.Array(ContentItem, { minItems: 1, maxItems: 10 }),
    /** Step to enter when the bot hears the handover failed (default: the scenario's onHandoverFailed). */
    onFailed: Type.Optional(StepId),
  },
  { additionalProperties: false },
);
export type ScenarioHandover = Static<typeof ScenarioHandover>;

export const Step = Type.Object(
  {
    id: StepId,
    say: Type.Optional(Say),
    /** Checked in order when the visitor answers, before capture. */
    on: Type.Optional(Type.Array(Trigger, { minItems: 1, maxItems: 50 })),
    capture: Type.Optional(Capture),
    /** Said on input nothing matched (default: the scenario's fallback). */
    fallback: Type.Optional(Say),
    handover: Type.Optional(ScenarioHandover),
    close: Type.Optional(Type.Union([Type.Boolean(), Type.String({ minLength: 1, maxLength: 500 })], { description: 'true or a close reason' })),
    /** Next step: right after `say`, or after a successful capture. */
    goto: Type.Optional(StepId),
  },
  { additionalProperties: false },
);
export type Step = Static<typeof Step>;

export const ScenarioFile = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]*$', maxLength: 64, description: 'a lowercase scenario id' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    editorUrl: Type.Optional(Type.String({ format: 'uri' })),
    language: Type.Optional(Type.String({ pattern: '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$' })),
    /** Shown when a chat opens (default: the start step's messages). */
    firstMessages: Type.Optional(Type.Array(ContentItem, { minItems: 1, maxItems: 10 })),
    /** Entry step (default: the first one). */
    start: Type.Optional(StepId),
    /** Triggers every step listens to, after its own (menu, agent, bye...). */
    on: Type.Optional(Type.Array(Trigger, { minItems: 1, maxItems: 50 })),
    /** Said on unmatched input when the step has no fallback. */
    fallback: Type.Optional(Say),
    onHandoverFailed: Type.Optional(StepId),
    /** Step entered when an agent hands the conversation back to the bot. */
    onAgentReturn: Type.Optional(StepId),
    steps: Type.Array(Step, { minItems: 1, maxItems: 500 }),
  },
  { additionalProperties: false },
);
export type ScenarioFile = Static<typeof ScenarioFile>;
