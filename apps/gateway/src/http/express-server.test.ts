import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import express from 'express';
import request from 'supertest';
import { createExpressServer } from './express-server';

function jsonApp(): express.Express {
  const app = express();
  app.use(express.json());
  app.post('/echo/:id', (req, res) => {
    res.status(201).json({ id: req.params.id, q: req.query.q, body: req.body as unknown });
  });
  return app;
}

/** The prototypes a request and its response had when node emitted them, before express ran. */
function prototypesAtBirth(server: Server): Array<[object | null, object | null]> {
  const seen: Array<[object | null, object | null]> = [];
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    seen.push([Object.getPrototypeOf(req) as object | null, Object.getPrototypeOf(res) as object | null]);
  });
  return seen;
}

describe('createExpressServer', () => {
  it("creates requests and responses with the app's prototypes, so express has nothing to change", async () => {
    const app = jsonApp();
    const server = createExpressServer(app);
    const seen = prototypesAtBirth(server);
    const agent = request.agent(server);
    await agent.post('/echo/a?q=1').send({ n: 1 }).expect(201, { id: 'a', q: '1', body: { n: 1 } });
    await agent.post('/echo/b').send({ n: 2 }).expect(201, { id: 'b', body: { n: 2 } });
    expect(seen).toEqual([
      [app.request, app.response],
      [app.request, app.response],
    ]);
  });

  it("is still node's request and response (streams, headers, express's 404)", async () => {
    const app = jsonApp();
    app.get('/stream', (req, res) => {
      expect(req).toBeInstanceOf(IncomingMessage);
      expect(res).toBeInstanceOf(ServerResponse);
      res.setHeader('x-from', req.get('x-to') ?? '');
      res.write('a');
      res.end('b');
    });
    const server = createExpressServer(app);
    await request(server).get('/stream').set('x-to', 'here').expect(200, 'ab').expect('x-from', 'here');
    await request(server).get('/nowhere').expect(404);
  });

  it("a plain server's requests are born with node's prototypes (what express then swaps)", async () => {
    const app = jsonApp();
    const server = createServer(app);
    const seen = prototypesAtBirth(server);
    await request(server).post('/echo/a').send({}).expect(201);
    expect(seen).toEqual([[IncomingMessage.prototype, ServerResponse.prototype]]);
  });
});
