import { randomUUID } from 'node:crypto';
import { chatLines } from '../chat-lines';
import { fbPostback, incomingMessage, messageDelivery } from './events';
import { startImiconnectInboundServer, type ReceivedPost } from './inbound-server';
import { ImiconnectPlatformSimulator, type TokenPlacement } from './platform';

// `botgate simulate imiconnect`: the terminal plays the customer on an IMIconnect channel. Lines
// typed become "Incoming message" events posted to the gateway's webhook; the bot's 1001/1002
// posts arrive on a local inbound URL (configure the integration's inboundUrl to it) and are
// printed, and each reply is acknowledged with a "Delivered" receipt.

export interface ImiconnectChatOptions {
  /** The gateway's webhook, e.g. http://localhost:3000/imiconnect/acme-livechat. */
  webhookUrl: string;
  verificationToken?: string;
  tokenPlacement?: TokenPlacement;
  hubSecret?: string;
  /** Port of the local inbound URL. Default 0 (any free port, printed at start). */
  inboundPort?: number;
  conversationId?: string;
  userId?: string;
  channel?: string;
  /** Send "Message Delivery" Delivered receipts for bot replies. Default true. */
  sendReceipts?: boolean;
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
}

const HELP = [
  'Type a message and press Enter.',
  '  /postback <payload>   FB POSTBACK event',
  '  /ccsp                 toggle ConversationType between BOT and CCSP (BOT+CCSP copies)',
  '  /new                  start a new Conversationid',
  '  /quit                 leave',
].join('\n');

function describe(post: ReceivedPost): string {
  const body = post.body;
  if (body.eventid === '1001') return `bot> ${String(body.message)}`;
  if (body.eventid === '1002') return '[bot handed the conversation over to an agent (1002)]';
  return `[bot posted] ${JSON.stringify(body)}`;
}

/** Resolves when the input ends or the user types /quit. */
export async function runImiconnectChat(options: ImiconnectChatOptions): Promise<void> {
  const output = options.output ?? process.stdout;
  const say = (line: string): void => void output.write(`${line}\n`);
  const inbound = await startImiconnectInboundServer({ port: options.inboundPort ?? 0 });
  const platform = new ImiconnectPlatformSimulator({
    webhookUrl: options.webhookUrl,
    verificationToken: options.verificationToken,
    tokenPlacement: options.tokenPlacement,
    hubSecret: options.hubSecret,
    retryDelaysMs: [1_000, 2_000, 4_000, 8_000], // interactive: keep IMIconnect's count, not its hour
  });
  let conversationId = options.conversationId ?? `sim-${randomUUID().slice(0, 8)}`;
  let conversationType = 'BOT';
  const common = (): { conversationId: string; conversationType: string; userId?: string; channel?: string } => ({
    conversationId,
    conversationType,
    userId: options.userId ?? 'sim-user',
    channel: options.channel,
  });

  const unsubscribe = inbound.onAccepted((post) => {
    say(describe(post));
    if ((options.sendReceipts ?? true) && post.transid && post.body.eventid === '1001') {
      void platform.send(messageDelivery({ ...common(), messageId: post.transid, status: 'Delivered' }));
    }
  });

  say(`IMIconnect simulator: webhook ${options.webhookUrl}`);
  say(`Inbound URL (set the integration's inboundUrl to it): ${inbound.url}`);
  say(`Conversationid ${conversationId}\n${HELP}`);

  const report = (outcome: Awaited<ReturnType<ImiconnectPlatformSimulator['send']>>): void => {
    const last = outcome.attempts[outcome.attempts.length - 1];
    if (!outcome.delivered) say(`[webhook failed: ${outcome.attempts.length} attempt(s), last status ${last?.status ?? '-'}${outcome.dropped ? ', webhook now inactive' : ''}]`);
    else if (options.verificationToken && last && !last.tokenEchoed) say('[warning: the webhook answer did not carry the verification token]');
  };

  try {
    for await (const line of chatLines(options.input)) {
      if (line === '/help') say(HELP);
      else if (line === '/new') {
        conversationId = `sim-${randomUUID().slice(0, 8)}`;
        say(`Conversationid ${conversationId}`);
      } else if (line === '/ccsp') {
        conversationType = conversationType === 'BOT' ? 'CCSP' : 'BOT';
        say(`ConversationType ${conversationType}`);
      } else if (line.startsWith('/postback ')) {
        report(await platform.send(fbPostback({ ...common(), payload: line.slice('/postback '.length) })));
      } else {
        report(await platform.send(incomingMessage({ ...common(), message: line, messageId: randomUUID() })));
      }
    }
  } finally {
    unsubscribe();
    await inbound.close();
  }
}
