// iAdvize platform simulator: the caller of a connector's endpoints, the reply-timeline
// player, and the GraphQL / OAuth stand-in. See packages/testkit/README or the tests.
export { IadvizeSimulator, graphqlToReply, type IadvizeSimulatorOptions, type BotSetup, type BotSetupResult } from './simulator';
export { SimulatedConversation, type TranscriptEntry } from './conversation';
export { IadvizeCaller, type CallResult, type IadvizeCallerOptions } from './caller';
export { IadvizeApiStandIn, type ChatbotMessageSendCall, type InjectedFailure, type IadvizeApiStandInOptions } from './api-stand-in';
export { iadvizeSignature, replyViolations, type SimReply, type SimPayload, type SimQuickReply, type SimDistributionRule } from './protocol';
export { runIadvizeChat, type IadvizeChatOptions } from './chat';
