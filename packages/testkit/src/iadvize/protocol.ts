import { createHmac } from 'node:crypto';

// The iAdvize side of the protocol, written independently of @botgate/iadvize so the simulator
// checks the connector instead of agreeing with it by construction.

export interface SimPayload {
  contentType: string;
  value?: unknown;
  [key: string]: unknown;
}

export interface SimQuickReply {
  contentType: string;
  value: string;
}

export type SimReply =
  | { type: 'message'; payload: SimPayload; quickReplies?: SimQuickReply[] }
  | { type: 'await'; duration: { unit: 'millis' | 'seconds' | 'minutes'; value: number } }
  | { type: 'transfer'; distributionRule: string; transferOptions?: { timeout: { unit: 'millis' | 'seconds' | 'minutes'; value: number } } }
  | { type: 'close' };

export interface SimDistributionRule {
  id: string;
  label: string;
}

/** `sha256=<hex>` over the exact bytes, as iAdvize signs (spec §3). */
export function iadvizeSignature(secret: string, bytes: string): string {
  return `sha256=${createHmac('sha256', secret).update(bytes, 'utf8').digest('hex')}`;
}

export function durationMs(duration: { unit: string; value: number }): number {
  const factor = duration.unit === 'minutes' ? 60_000 : duration.unit === 'seconds' ? 1000 : 1;
  return duration.value * factor;
}

const PAYLOAD_TYPES = ['text', 'card/content', 'bundle/card', 'product-offer', 'bundle/product-offer', 'file'];

/** What iAdvize's documentation forbids in a reply list; empty when the list is fine. */
export function replyViolations(replies: unknown, messagesOnly = false): string[] {
  if (!Array.isArray(replies)) return ['replies is not an array'];
  const problems: string[] = [];
  replies.forEach((value, i) => {
    const reply = (value ?? {}) as Record<string, unknown>;
    const where = `replies[${i}]`;
    if (messagesOnly && reply.type !== 'message') problems.push(`${where}: only message replies are shown here`);
    switch (reply.type) {
      case 'message': {
        const payload = (reply.payload ?? {}) as Record<string, unknown>;
        if (!PAYLOAD_TYPES.includes(String(payload.contentType))) problems.push(`${where}: unknown contentType ${String(payload.contentType)}`);
        if (payload.contentType === 'text' && (typeof payload.value !== 'string' || payload.value.length === 0 || payload.value.length > 450)) {
          problems.push(`${where}: text must be 1–450 characters`);
        }
        if (payload.contentType === 'bundle/product-offer' && !Array.isArray(payload.offers)) problems.push(`${where}: offers missing`);
        if (payload.contentType === 'bundle/card' && !Array.isArray(payload.cards)) problems.push(`${where}: cards missing`);
        break;
      }
      case 'await': {
        const duration = reply.duration as { value?: unknown } | undefined;
        if (!duration || !Number.isInteger(duration.value)) problems.push(`${where}: await needs an integer duration`);
        break;
      }
      case 'transfer': {
        if (typeof reply.distributionRule !== 'string') problems.push(`${where}: transfer needs a distributionRule`);
        const options = reply.transferOptions as { timeout?: { unit: string; value: number } } | undefined;
        if (options?.timeout) {
          const ms = durationMs(options.timeout);
          if (ms < 5000 || ms > 60_000) problems.push(`${where}: transfer timeout outside 5–60 s`);
        }
        break;
      }
      case 'close':
        break;
      default:
        problems.push(`${where}: unknown reply type ${String(reply.type)}`);
    }
  });
  return problems;
}
