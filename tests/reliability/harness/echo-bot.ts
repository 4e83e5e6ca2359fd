import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

// The bot behind every gateway in this suite: a webhook bot (canonical JSON over HTTP, as a
// team's own bot would be) that answers each visitor text with "echo: <text>". Replies are
// unique per message, so the channel side can count each one exactly.

export interface BotTurn {
  eventId: string;
  type: string;
  text?: string;
}

export class EchoBot {
  readonly turns: BotTurn[] = [];
  private constructor(private readonly server: Server, readonly url: string) {}

  static async start(): Promise<EchoBot> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const bot = new EchoBot(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/turn`);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          event: { id: string; type: string; content?: { type: string; text?: string } };
        };
        const text = body.event.content?.type === 'text' ? body.event.content.text : undefined;
        bot.turns.push({ eventId: body.event.id, type: body.event.type, ...(text !== undefined ? { text } : {}) });
        const actions = body.event.type === 'message' && text !== undefined ? [{ type: 'message', content: { type: 'text', text: `echo: ${text}` } }] : [];
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ actions }));
      });
    });
    return bot;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
