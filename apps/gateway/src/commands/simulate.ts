import { runIadvizeChat, runImiconnectChat } from '@botgate/testkit';
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

/** `botgate simulate iadvize|imiconnect`: chat with a running gateway from the terminal. */
export async function simulateCommand(options: SimulateCommandOptions, io: CommandIo): Promise<number> {
  try {
    if (options.vendor === 'iadvize') {
      await runIadvizeChat({
        gatewayUrl: options.url ?? 'http://localhost:8080/iadvize',
        // A gateway with allowUnsigned accepts any signature; a real one needs its secret.
        secret: options.secret ?? io.env.IADVIZE_SECRET ?? 'unsigned-local-demo',
        ...(options.operator ? { idOperator: options.operator } : {}),
        ...(options.language ? { language: options.language } : {}),
        transferOutcome: options.transfer === 'success' ? 'success' : 'failure',
      });
      return 0;
    }
    if (options.vendor === 'imiconnect') {
      if (!options.url) {
        io.err('botgate simulate imiconnect needs --url http://<gateway>/imiconnect/<integration id>');
        return 2;
      }
      const token = options.token ?? io.env.IMICONNECT_TOKEN;
      await runImiconnectChat({ webhookUrl: options.url, ...(token ? { verificationToken: token } : {}) });
      return 0;
    }
    io.err(`unknown simulator "${options.vendor}": use iadvize or imiconnect`);
    return 2;
  } catch (error) {
    for (const line of describeError(error)) io.err(line);
    return 1;
  }
}
