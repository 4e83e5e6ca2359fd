import { describeError, type CommandIo } from './output';

export interface SimulateCommandOptions {
  vendor: string;
  url?: string;
  secret?: string;
  token?: string;
  operator?: string;
  language?: string;
  transfer?: string;
}

/** The chat runners' options, as far as this command sets them. */
interface IadvizeChatOptions {
  gatewayUrl: string;
  secret: string;
  idOperator?: string;
  language?: string;
  transferOutcome?: 'success' | 'failure';
}
interface ImiconnectChatOptions {
  webhookUrl: string;
  verificationToken?: string;
}
type ChatRunner<T> = (options: T) => Promise<void>;

// Looked up at run time: the simulators live in @botgate/testkit, which a production image may
// leave out; without them the command says so instead of failing to load.
async function runner<T>(name: string): Promise<ChatRunner<T> | null> {
  try {
    const testkit = (await import('@botgate/testkit')) as Record<string, unknown>;
    const found = testkit[name];
    return typeof found === 'function' ? (found as ChatRunner<T>) : null;
  } catch {
    return null;
  }
}

/** `botgate simulate iadvize|imiconnect`: chat with a running gateway from the terminal. */
export async function simulateCommand(options: SimulateCommandOptions, io: CommandIo): Promise<number> {
  try {
    if (options.vendor === 'iadvize') {
      const run = await runner<IadvizeChatOptions>('runIadvizeChat');
      if (!run) {
        io.err('botgate simulate iadvize is not available yet (@botgate/testkit does not export runIadvizeChat)');
        return 1;
      }
      const transfer = options.transfer === 'success' ? 'success' : 'failure';
      await run({
        gatewayUrl: options.url ?? 'http://localhost:8080/iadvize',
        // A gateway with allowUnsigned accepts any signature; a real one needs its secret.
        secret: options.secret ?? io.env.IADVIZE_SECRET ?? 'unsigned-local-demo',
        ...(options.operator ? { idOperator: options.operator } : {}),
        ...(options.language ? { language: options.language } : {}),
        transferOutcome: transfer,
      });
      return 0;
    }
    if (options.vendor === 'imiconnect') {
      const run = await runner<ImiconnectChatOptions>('runImiconnectChat');
      if (!run) {
        io.err('botgate simulate imiconnect is not available yet (@botgate/testkit does not export runImiconnectChat)');
        return 1;
      }
      if (!options.url) {
        io.err('botgate simulate imiconnect needs --url http://<gateway>/imiconnect/<integration id>');
        return 2;
      }
      const token = options.token ?? io.env.IMICONNECT_TOKEN;
      await run({ webhookUrl: options.url, ...(token ? { verificationToken: token } : {}) });
      return 0;
    }
    io.err(`unknown simulator "${options.vendor}": use iadvize or imiconnect`);
    return 2;
  } catch (error) {
    for (const line of describeError(error)) io.err(line);
    return 1;
  }
}
