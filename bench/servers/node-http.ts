import { createServer } from 'node:http';
import express from 'express';

// bare-express.ts's JSON route on node's http alone, for bench/prototype-swap.ts. With
// NODE_HTTP_PROTOTYPE_SWAP=1 each request and response also gets the two Object.setPrototypeOf
// calls express 5 makes per request (to an express app's request/response prototypes), and
// nothing else of express.

const swap = process.env.NODE_HTTP_PROTOTYPE_SWAP === '1';
const { request: expressRequest, response: expressResponse } = express();

const server = createServer((req, res) => {
  if (swap) {
    Object.setPrototypeOf(req, expressRequest);
    Object.setPrototypeOf(res, expressResponse);
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const body = (chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {}) as { idOperator?: unknown };
    const now = new Date().toISOString();
    const json = JSON.stringify({ idConversation: 'bench', idOperator: body.idOperator ?? null, replies: [], createdAt: now, updatedAt: now });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
