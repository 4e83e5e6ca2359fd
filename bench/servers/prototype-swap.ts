import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import express from 'express';
import { createExpressServer } from '../../apps/gateway/src/http/express-server';

// One JSON route served four ways, for bench/prototype-swap.ts (PROTOTYPE_SWAP_VARIANT):
//   node         node's http alone
//   node-swap    the same, plus the two Object.setPrototypeOf calls express 5 makes per request
//   express      stock express 5 (app.listen), as bench/servers/bare-express.ts
//   express-born express served like the gateway (createExpressServer: prototypes from birth)

const variant = process.env.PROTOTYPE_SWAP_VARIANT ?? 'node';

function answer(res: ServerResponse, body: unknown): void {
  const now = new Date().toISOString();
  const json = JSON.stringify({ idConversation: 'bench', idOperator: (body as { idOperator?: unknown } | undefined)?.idOperator ?? null, replies: [], createdAt: now, updatedAt: now });
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

const app = express();
app.disable('x-powered-by');
app.use(express.json({ limit: '256kb', type: () => true }));
app.all('/json', (req, res) => answer(res, req.body));

/** node's http: the body read and parsed by hand; `swap` adds express's per-request prototype change. */
function nodeHandler(swap: boolean) {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (swap) {
      Object.setPrototypeOf(req, app.request);
      Object.setPrototypeOf(res, app.response);
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => answer(res, chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined));
  };
}

const server =
  variant === 'express' ? createServer(app) : variant === 'express-born' ? createExpressServer(app) : createServer(nodeHandler(variant === 'node-swap'));
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
