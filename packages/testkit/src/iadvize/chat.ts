import { chatLines } from '../chat-lines';
import type { Readable, Writable } from 'node:stream';
import type { TranscriptEntry } from './conversation';
import type { SimDistributionRule, SimPayload, SimQuickReply } from './protocol';
import { IadvizeSimulator } from './simulator';

// `botgate simulate iadvize`: chat with a running gateway from the terminal, through the same
// simulator the tests use (signed calls, reply timeline, echoes, GraphQL stand-in).

export interface IadvizeChatOptions {
  /** Connector base URL, e.g. http://localhost:3000/iadvize. */
  gatewayUrl: string;
  secret: string;
  idOperator?: string;
  idBot?: string;
  language?: string;
  distributionRules?: SimDistributionRule[];
  transferOutcome?: 'success' | 'failure';
  /** 1 = real time (default); smaller plays awaits faster. */
  timeScale?: number;
  /** Port of the GraphQL/OAuth stand-in (point the gateway's iAdvize apiUrl at it). Default: any free port. */
  apiPort?: number;
  input?: Readable;
  output?: Writable;
}

const HELP = 'Type a message. Commands: /transfer success|failure, /quit';

export async function runIadvizeChat(options: IadvizeChatOptions): Promise<void> {
  const output = options.output ?? process.stdout;
  const print = (line: string) => output.write(`${line}\n`);
  const simulator = new IadvizeSimulator({
    gatewayUrl: options.gatewayUrl,
    secret: options.secret,
    timeScale: options.timeScale ?? 1,
    transferOutcome: options.transferOutcome ?? 'failure',
  });
  const apiUrl = await simulator.start(options.apiPort ?? 0);
  print(`iAdvize simulator → ${options.gatewayUrl} (GraphQL/OAuth stand-in at ${apiUrl})`);
  const idOperator = options.idOperator ?? 'ha-1';
  const rules = options.distributionRules ?? [{ id: '00000000-0000-4000-8000-000000000001', label: 'Support' }];
  const setup = await simulator.setupBot({
    idOperator,
    ...(options.idBot ? { idBot: options.idBot } : {}),
    language: options.language ?? 'en',
    distributionRules: rules,
  });
  print(`bot operator ${idOperator} → scenario ${JSON.stringify(setup.scenarios.body.map((s) => s.idBot))}; availability ${JSON.stringify(setup.availability.body)}`);
  const { conversation, firstMessages } = await simulator.openConversation(idOperator);
  const shown = firstMessages.timedOut ? [] : ((firstMessages.body?.replies ?? []) as Array<{ payload: SimPayload; quickReplies?: SimQuickReply[] }>);
  for (const reply of shown) print(formatBot(reply.payload, reply.quickReplies ?? []));
  conversation.on('entry', (entry: TranscriptEntry) => {
    const line = formatEntry(entry);
    if (line) print(line);
  });
  print(HELP);

  try {
    for await (const line of chatLines(options.input)) {
      const transfer = /^\/transfer (success|failure)$/.exec(line);
      if (transfer) {
        simulator.transferOutcome = () => transfer[1] as 'success' | 'failure';
        print(`(transfers will now ${transfer[1] === 'success' ? 'succeed' : 'fail'})`);
        continue;
      }
      if (conversation.state === 'closed') {
        print('(the conversation is closed)');
        break;
      }
      await conversation.say(line);
    }
  } finally {
    await conversation.idle();
    await simulator.stop();
  }
}

function formatBot(payload: SimPayload, quickReplies: SimQuickReply[]): string {
  const choices = quickReplies.length ? `\n   [${quickReplies.map((q) => q.value).join('] [')}]` : '';
  if (payload.contentType === 'text') return `bot> ${String(payload.value)}${choices}`;
  const { contentType, ...rest } = payload;
  return `bot> <${contentType}> ${JSON.stringify(rest)}${choices}`;
}

function formatEntry(entry: TranscriptEntry): string | null {
  switch (entry.kind) {
    case 'bot':
      return formatBot(entry.payload, entry.quickReplies) + (entry.via === 'graphql' ? '   (via GraphQL)' : '');
    case 'transfer':
      return `-- transfer to ${entry.distributionRule}: ${entry.outcome}`;
    case 'closed':
      return '-- the bot closed the conversation';
    case 'timeout':
      return `-- ${entry.endpoint} timed out: iAdvize shows nothing`;
    case 'violation':
      return `!! protocol violation: ${entry.problems.join('; ')}`;
    default:
      return null;
  }
}
