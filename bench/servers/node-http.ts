import { createServer } from 'node:http';
import express from 'express';
import { jsonRouteAnswer, serveUntilSigterm } from './serve';

// bare-express.ts's JSON route on node's http alone, for bench/prototype-swap.ts. With
// NODE_HTTP_PROTOTYPE_SWAP=1 each request and response also gets the two Object.setPrototypeOf
// calls express 5 makes per request (to an express app's request/response prototypes), and
// nothing else of express.

const swap = process.env.NODE_HTTP_PROTOTYPE_SWAP === '1';
const { request: expressRequest, response: expressResponse } = express();

serveUntilSigterm(createServer((req, res) => {
  if (swap) {
    Object.setPrototypeOf(req, expressRequest);
    Object.setPrototypeOf(res, expressResponse);
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const json = JSON.stringify(jsonRouteAnswer(chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined));
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  });
}));
