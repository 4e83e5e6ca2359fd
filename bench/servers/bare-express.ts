import express from 'express';
import { createExpressServer } from '../../apps/gateway/src/http/express-server';

// The baseline every HTTP figure is divided by: express 5 with a JSON body parser and a JSON
// answer, nothing else (no helmet, no signature, no Redis). Started like the gateway (same node
// flags, same tsx loader) so the ratio compares the gateway's work, not the process model.
// Stock express (app.listen) unless BARE_EXPRESS_PROTOTYPES_FROM_BIRTH=1, which serves it with the
// gateway's server (createExpressServer) for the reference figures.

const app = express();
app.disable('x-powered-by');
app.use(express.json({ limit: '256kb', type: () => true }));

app.get('/json', (_req, res) => {
  res.json([{ strategy: 'customAvailability', availability: true }]);
});

app.post('/json', (req, res) => {
  const body = (req.body ?? {}) as { idOperator?: unknown };
  const now = new Date().toISOString();
  res.json({ idConversation: 'bench', idOperator: body.idOperator ?? null, replies: [], createdAt: now, updatedAt: now });
});

const port = Number(process.env.PORT ?? 0);
const server = process.env.BARE_EXPRESS_PROTOTYPES_FROM_BIRTH === '1' ? createExpressServer(app).listen(port, '127.0.0.1') : app.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
