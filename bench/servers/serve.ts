import type { Server } from 'node:http';

// What every bench server does the same way: listen on loopback at $PORT, stop on SIGTERM (the
// harness's stop()), and the baseline's POST /json answer.

/** Listens on 127.0.0.1:$PORT; on SIGTERM closes every connection and exits once closed. */
export function serveUntilSigterm(server: Server): Server {
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
  return server;
}

/** The baseline's answer to POST /json: an iAdvize-shaped envelope with no replies. */
export function jsonRouteAnswer(body: unknown): Record<string, unknown> {
  const now = new Date().toISOString();
  return { idConversation: 'bench', idOperator: (body as { idOperator?: unknown } | null)?.idOperator ?? null, replies: [], createdAt: now, updatedAt: now };
}
