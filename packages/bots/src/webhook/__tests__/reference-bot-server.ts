import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyBotgateSignature } from '../signature';
import type { WebhookRequestBody } from '../webhook-bot';

// A tiny reference bot, as a bot team would write one with plain node:http: verify the signature
// over the raw bytes, then answer with canonical actions. Tests steer it through `reply`.

export interface ReceivedCall {
  headers: IncomingMessage['headers'];
  rawBody: string;
  body: WebhookRequestBody;
  signatureValid: boolean;
}

export type Reply = (call: ReceivedCall, res: ServerResponse) => void;

export interface ReferenceBotServer {
  url: string;
  calls: ReceivedCall[];
  /** How the next requests are answered (default: an echo bot with a turn counter). */
  reply: Reply;
  close(): Promise<void>;
}

export const echoReply: Reply = (call, res) => {
  if (!call.signatureValid) {
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"unauthorized"}');
    return;
  }
  const content = call.body.event.content;
  const said = content?.type === 'text' ? content.text : call.body.event.type;
  const previous = (call.body.botState as { turns?: number } | null)?.turns ?? 0;
  res.writeHead(200, { 'content-type': 'application/json' }).end(
    JSON.stringify({ actions: [{ type: 'message', content: { type: 'text', text: `echo: ${said}` } }], botState: { turns: previous + 1 } }),
  );
};

export async function startReferenceBotServer(secret: string): Promise<ReferenceBotServer> {
  const calls: ReceivedCall[] = [];
  const state: { reply: Reply } = { reply: echoReply };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const signatureValid = verifyBotgateSignature(
        secret,
        header(req, 'x-botgate-timestamp'),
        rawBody,
        header(req, 'x-botgate-signature'),
      );
      const call: ReceivedCall = { headers: req.headers, rawBody, body: JSON.parse(rawBody) as WebhookRequestBody, signatureValid };
      calls.push(call);
      state.reply(call, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/bot`,
    calls,
    get reply() {
      return state.reply;
    },
    set reply(r: Reply) {
      state.reply = r;
    },
    close: () =>
      new Promise<void>((resolve) => {
        // Hanging requests (timeout tests) and keep-alive sockets would hold close() forever.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
