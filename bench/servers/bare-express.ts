import { createServer } from 'node:http';
import express from 'express';
import { createExpressServer } from '../../apps/gateway/src/http/express-server';
import { jsonRouteAnswer, serveUntilSigterm } from './serve';

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
  res.json(jsonRouteAnswer(req.body));
});

// createServer(app) is what app.listen does.
serveUntilSigterm(process.env.BARE_EXPRESS_PROTOTYPES_FROM_BIRTH === '1' ? createExpressServer(app) : createServer(app));
