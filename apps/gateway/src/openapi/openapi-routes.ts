import express, { type Router } from 'express';

/** GET /openapi.json; the document is built once, on first request. */
export function createOpenApiRoutes(build: () => object): Router {
  const router = express.Router();
  let document: string | undefined;
  router.get('/openapi.json', (_req, res) => {
    document ??= JSON.stringify(build());
    res.type('application/json').set('Cache-Control', 'no-cache').send(document);
  });
  return router;
}
