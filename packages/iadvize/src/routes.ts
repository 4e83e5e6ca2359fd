import { Router, type Request, type RequestHandler, type Response } from 'express';
import { NotFoundError, ValidationError } from '@botgate/core';
import type { BotLink } from './bot-link';
import type { IadvizeRouteContext } from './context';
import { postMessageHandler, startConversationHandler } from './conversation-routes';
import { assertValidAnswer, iadvizeErrorHandler, identifier, parseBody, sendValid, signedJsonBody, writeJson } from './http';
import {
  AvailabilityStrategyList,
  BotResponse,
  ExternalBotList,
  FirstMessagesResponse,
  HealthcheckResponse,
  PutBotRequest,
  type ExternalBot,
} from './schemas';
import { verifyIadvizeSignature } from './verify';

/** A route its mounter may register itself at `<mount path><path>`, ahead of every mount. */
export interface DirectRoute {
  method: 'get' | 'post';
  path: string;
  /** Complete: checks the signature and answers its own errors (it is not behind the router). */
  handler: RequestHandler;
}

export interface IadvizeHttp {
  /** Every endpoint, hot routes included: mount at `/iadvize`. */
  router: Router;
  /**
   * The two hot paths (a visitor message is every chat line, the availability poll comes every
   * second per bot), for the gateway to register on its app at `/iadvize/…`: one express layer
   * each, where reaching them through the router mounted at /iadvize costs a mount layer, a path
   * rewrite and a second router pass per request.
   */
  hotRoutes: DirectRoute[];
}

/**
 * The iAdvize connector's HTTP face, mounted at `/iadvize` (the base URL an integrator enters in
 * the iAdvize developer platform is `https://<host>/iadvize`). Order matters: the raw body is
 * captured (and capped) first, the signature checked on those bytes, and only then is JSON parsed.
 */
export function createIadvizeHttp(ctx: IadvizeRouteContext): IadvizeHttp {
  const router = Router();
  const signed = signedJsonBody(ctx.secret !== null ? verifyIadvizeSignature({ secret: ctx.secret }) : undefined);
  const errors = iadvizeErrorHandler(ctx.logger);
  const hot: DirectRoute[] = [
    { method: 'post', path: '/conversations/:idConversation/messages', handler: afterSignedBody(signed, postMessageHandler(ctx)) },
    { method: 'get', path: '/availability-strategies', handler: afterSignedBody(signed, availabilityRoute(ctx)) },
  ];
  // The hot paths first here too: the routes below are tried in order by every request that reaches them.
  for (const route of hot) router[route.method](route.path, route.handler);
  // Public (spec §4.5): iAdvize's health probe carries no signature.
  router.get('/healthcheck', (_req, res) => sendValid(res, HealthcheckResponse, { status: 'UP' }));
  router.use(signed);

  router.get('/external-bots', (_req, res) => listExternalBots(ctx, res));
  router.put('/bots/:idOperator', (req, res) => putBot(ctx, req, res));
  router.get('/bots/:idOperator', (req, res) => getBot(ctx, req, res));
  router.get('/bots/:idOperator/conversation-first-messages', (req, res) => firstMessages(ctx, req, res));
  router.post('/conversations', startConversationHandler(ctx));
  router.use((req: Request) => {
    throw new NotFoundError(`${req.method} ${req.path}`);
  });
  router.use(errors);
  return {
    router,
    hotRoutes: hot.map(({ handler, ...route }) => ({
      ...route,
      handler: (req, res, next) => handler(req, res, (error?: unknown) => (error ? errors(error, req, res, next) : next())),
    })),
  };
}

/** `handler` once `signed` has checked and parsed the request (its refusal goes to the error handler). */
function afterSignedBody(signed: RequestHandler, handler: (req: Request, res: Response) => unknown): RequestHandler {
  return (req, res, next) => {
    void signed(req, res, (refused?: unknown) => {
      if (refused) return next(refused);
      // A throw or a rejection goes where express would have sent it.
      try {
        const pending = handler(req, res);
        if (pending instanceof Promise) pending.catch(next);
      } catch (error) {
        next(error);
      }
    });
  };
}

function externalBotOf(ctx: IadvizeRouteContext, botId: string): ExternalBot | null {
  const bot = ctx.bots.get(botId);
  if (!bot) return null;
  const { id, name, description, editorUrl } = bot.descriptor;
  return {
    idBot: id,
    name: name || id,
    ...(description ? { description } : {}),
    editorUrl: editorUrl ?? ctx.editorUrl(id),
  };
}

function listExternalBots(ctx: IadvizeRouteContext, res: Response): void {
  const scenarios = [...ctx.bots.values()].flatMap((bot) => externalBotOf(ctx, bot.descriptor.id) ?? []);
  sendValid(res, ExternalBotList, scenarios);
}

function botResponse(ctx: IadvizeRouteContext, link: BotLink): unknown {
  const scenario = externalBotOf(ctx, link.idBot);
  return {
    idOperator: link.idOperator,
    external: {
      idBot: link.idBot,
      ...(scenario?.name ? { name: scenario.name } : {}),
      ...(scenario?.description ? { description: scenario.description } : {}),
      // A scenario removed from config since the PUT still has an editor link.
      editorUrl: scenario?.editorUrl ?? ctx.editorUrl(link.idBot),
    },
    distributionRules: link.distributionRules,
    createdAt: link.createdAt,
    updatedAt: link.updatedAt,
  };
}

async function putBot(ctx: IadvizeRouteContext, req: Request, res: Response): Promise<void> {
  const idOperator = identifier('idOperator', req.params.idOperator) as string;
  const idWebsite = identifier('idWebsite', req.query.idWebsite, false);
  const body = parseBody(PutBotRequest, req.body);
  const bot = ctx.bots.get(body.external.idBot);
  if (!bot) {
    throw new ValidationError(`unknown scenario ${body.external.idBot}`, [
      { path: '/external/idBot', reason: 'is not a scenario of this gateway' },
    ]);
  }
  const link = await ctx.operators.upsert(
    {
      idOperator,
      idBot: body.external.idBot,
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.pseudo !== undefined ? { pseudo: body.pseudo } : {}),
      ...(body.language !== undefined ? { language: body.language } : {}),
      distributionRules: body.distributionRules ?? [],
      ...(idWebsite !== undefined ? { idWebsite } : {}),
    },
    new Date(ctx.clock.now()),
  );
  // Warm the first-messages cache now, so the first chat of this bot already finds it.
  void ctx.firstMessages.refresh(bot, link.language);
  sendValid(res, BotResponse, botResponse(ctx, link));
}

async function getBot(ctx: IadvizeRouteContext, req: Request, res: Response): Promise<void> {
  const idOperator = identifier('idOperator', req.params.idOperator) as string;
  const link = await ctx.operators.get(idOperator);
  if (!link) throw new NotFoundError(`bot operator ${idOperator}`);
  sendValid(res, BotResponse, botResponse(ctx, link));
}

/**
 * GET /availability-strategies, polled every second per operator: memory only, no I/O. The answer
 * of each configured strategy is checked against its schema and serialised once (per router: the
 * strategies come from this connector's configuration).
 */
function availabilityRoute(ctx: IadvizeRouteContext): (req: Request, res: Response) => void {
  const answers = new WeakMap<object, Buffer>();
  const answerOf = (strategy: object): Buffer => {
    let answer = answers.get(strategy);
    if (answer === undefined) {
      assertValidAnswer(AvailabilityStrategyList, [strategy]);
      answer = Buffer.from(JSON.stringify([strategy]), 'utf8');
      answers.set(strategy, answer);
    }
    return answer;
  };
  return (req, res) => {
    const idOperator = identifier('idOperator', req.query.idOperator, false);
    const link = idOperator ? ctx.operators.cached(idOperator) : undefined;
    const botId = link?.idBot ?? ctx.defaultBotId;
    writeJson(res, answerOf((botId && ctx.availability[botId]) || ctx.defaultAvailability));
  };
}

async function firstMessages(ctx: IadvizeRouteContext, req: Request, res: Response): Promise<void> {
  const idOperator = identifier('idOperator', req.params.idOperator) as string;
  const link = await ctx.operators.get(idOperator);
  const botId = link?.idBot ?? ctx.defaultBotId;
  const bot = botId ? ctx.bots.get(botId) : undefined;
  if (!bot) throw new NotFoundError(`bot operator ${idOperator}`);
  const replies = await ctx.firstMessages.get(bot, link?.language);
  sendValid(res, FirstMessagesResponse, { replies });
}
