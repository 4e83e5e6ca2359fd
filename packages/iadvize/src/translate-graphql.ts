import { degrade, splitText, type Action, type Content } from '@botgate/core';
import { MAX_TEXT_LENGTH, type ChatbotActionOrMessageInput } from './schemas';
import { DEFERRED_CAPABILITIES, resolveDistributionRule, transferTimeoutSeconds, type ReplyContext } from './translate';

// Pure: one canonical action → the GraphQL inputs that play it (usually one; a text over 450
// characters takes several). GraphQL has no await (the core waits) and no rich payloads.

export function actionToGraphqlInputs(action: Action, ctx: ReplyContext): ChatbotActionOrMessageInput[] {
  switch (action.type) {
    case 'message':
      return contentToGraphqlInputs(action.content);
    case 'handover': {
      if (!ctx.channelDesks.includes(action.target.desk)) return [];
      const rule = resolveDistributionRule(action.target.queue, ctx.distributionRules);
      // No rule: the transfer cannot be tried, so the visitor gets the fallback at once. With a
      // rule, GraphQL cannot schedule "play this only if the transfer fails": see the README.
      if (rule === null) return (action.fallback ?? []).flatMap((c) => contentToGraphqlInputs(c));
      const timeout = transferTimeoutSeconds(action.timeoutMs ?? ctx.defaultTransferTimeoutMs);
      return [{ chatbotAction: { transferMessage: { routingRuleId: rule, transferOptions: { timeout } } } }];
    }
    case 'close':
      return [{ chatbotAction: { closeMessage: {} } }];
    default:
      return [];
  }
}

export function contentToGraphqlInputs(content: Content): ChatbotActionOrMessageInput[] {
  return degrade(content, DEFERRED_CAPABILITIES).flatMap((shown): ChatbotActionOrMessageInput[] => {
    if (shown.type === 'text') {
      return splitText(shown.text, MAX_TEXT_LENGTH).map((part) => ({ chatbotMessage: { chatbotSimpleTextMessage: part } }));
    }
    if (shown.type === 'quickReplies') {
      const parts = splitText(shown.text, MAX_TEXT_LENGTH);
      const last = parts.pop() as string;
      const menu = {
        chatbotMessage: {
          chatbotMessageAttachmentInput: {
            quickReplyMenu: { message: last, choices: [...new Set(shown.replies.map((r) => r.label))] },
          },
        },
      };
      return [...parts.map((p) => ({ chatbotMessage: { chatbotSimpleTextMessage: p } })), menu];
    }
    return [];
  });
}
