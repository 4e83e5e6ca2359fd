import type { RequestHandler } from 'express';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { RedisStorageDriver } from '@botgate/redis';

/** The Redis driver's BullMQ queue type, without depending on bullmq directly. */
export type BullQueue = ReturnType<RedisStorageDriver['bullQueues']>[number];

export const BULL_BOARD_PATH = '/admin/queues';

/**
 * bull-board for every BullMQ queue of the Redis driver, with its actions (retry, promote,
 * clean). It is mounted behind the admin session and CSRF check: its UI's axios sends the
 * XSRF-TOKEN cookie back as X-XSRF-TOKEN on every same-origin call.
 */
export function createBullBoardHandler(queues: readonly BullQueue[]): RequestHandler {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue, { allowRetries: true })),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'botgate queues', miscLinks: [{ text: 'Back to admin', url: '/admin' }] } },
  });
  // bull-board types its router as `any`; it is an express router.
  const router: unknown = serverAdapter.getRouter();
  return router as RequestHandler;
}
