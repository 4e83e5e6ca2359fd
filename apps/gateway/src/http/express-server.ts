import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import type { Express } from 'express';

/**
 * A constructor node's HTTP server can use in place of `Base` (it calls `new Class(...args)`):
 * node's own object, built by `Base`, with `prototype` as its prototype from birth. Node's
 * IncomingMessage and ServerResponse are plain functions that build `this`; were one ever an ES
 * class (not callable that way), `Base` itself is returned and express changes the prototype per
 * request as it does without this server. (Reflect.construct with a new target would work for
 * classes too, but measured slower than the stock server.)
 */
function withPrototypeFromBirth<C extends typeof IncomingMessage | typeof ServerResponse>(Base: C, prototype: object): C {
  if (Function.prototype.toString.call(Base).startsWith('class')) return Base;
  const build = Base as unknown as (this: object, ...args: unknown[]) => void;
  function WithPrototype(this: object, ...args: unknown[]): void {
    build.apply(this, args);
  }
  WithPrototype.prototype = prototype;
  return WithPrototype as unknown as C;
}

/**
 * The HTTP server of an express app, its requests and responses created with the app's own
 * prototypes (app.request, app.response).
 *
 * Why: express 5 gives every request and response the app's prototype with Object.setPrototypeOf
 * (application.js, handle; expressjs/express#5998). On V8 the objects of every request whose
 * prototype was changed then outlive it: they survive young-generation GCs, fill the old space and
 * bring a full GC every half second, whose pauses set the p99 (docs/BENCHMARKS.md, run L). When the
 * prototype already is the one express sets, V8 returns early and they die young.
 */
export function createExpressServer(app: Express): Server {
  return createServer(
    {
      IncomingMessage: withPrototypeFromBirth(IncomingMessage, app.request),
      ServerResponse: withPrototypeFromBirth(ServerResponse, app.response),
    },
    app,
  );
}
