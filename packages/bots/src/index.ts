// @botgate/bots: bot backends behind the core's BotClient port.

export { WebhookBot, parseBotResponse, DEFAULT_WEBHOOK_TIMEOUT_MS } from './webhook/webhook-bot';
export type { WebhookBotOptions, WebhookRequestBody } from './webhook/webhook-bot';
export {
  verifyBotgateSignature,
  signBotgatePayload,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  DELIVERY_HEADER,
  DEFAULT_SIGNATURE_TOLERANCE_MS,
} from './webhook/signature';
export type { VerifySignatureOptions } from './webhook/signature';

export { ScenarioBot } from './scenario/scenario-bot';
export type { ScenarioBotOptions } from './scenario/scenario-bot';
export { parseScenario, loadScenarioFile, loadScenarioDir } from './scenario/load';
export { runScenarioTurn, ScenarioState } from './scenario/engine';
export type { Scenario, CompiledStep } from './scenario/compile';
export { ScenarioFile, Step, Trigger, Capture, ScenarioHandover, SayItem, ContentItem, WaitItem } from './scenario/schema';
export { captureValidator } from './scenario/capture-validators';
export type { CaptureValidator } from './scenario/capture-validators';
export { renderTemplate } from './scenario/template';
