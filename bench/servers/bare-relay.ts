import { Agent } from 'node:http';
import axios from 'axios';
import express from 'express';
import { createExpressServer } from '../../apps/gateway/src/http/express-server';
import { serveUntilSigterm } from './serve';

// The floor of the end-to-end figure: the least a webhook-to-inbound relay can do on this
// machine. express 5 acknowledges each event, then posts a 1001 reply to INBOUND_URL with axios
// and a keep-alive agent (as the IMIconnect client does), one post at a time per conversation so
// the order holds. No Redis, no bot, no dedupe, no retries: what is left is the HTTP both ways.
// Served like the gateway (createExpressServer: no per-request prototype swap), so the floor is
// not lowered by a cost the gateway does not pay.

const inboundUrl = process.env.INBOUND_URL ?? '';
const http = axios.create({ httpAgent: new Agent({ keepAlive: true }), validateStatus: () => true, timeout: 10_000 });
const chains = new Map<string, Promise<unknown>>();

const app = express();
app.disable('x-powered-by');
app.use(express.json({ limit: '256kb', type: () => true }));

app.get('/relay', (_req, res) => {
  res.json({ ok: true });
});

app.post('/relay', (req, res) => {
  const body = (req.body ?? {}) as Record<string, unknown>;
  const conversation = String(body.Conversationid ?? '');
  res.type('text/plain').send('ok');
  const reply = { eventid: '1001', conversation_id: conversation, message: `echo ${String(body.Message ?? '')}`, Messagetype: 'text', Timestamp: new Date().toISOString() };
  const chain = (chains.get(conversation) ?? Promise.resolve()).then(() => http.post(inboundUrl, reply)).catch(() => undefined);
  chains.set(conversation, chain);
  void chain.then(() => {
    if (chains.get(conversation) === chain) chains.delete(conversation);
  });
});

serveUntilSigterm(createExpressServer(app));
