// Builds the Fastify server: Zod schemas, OpenAPI 3.1 at /openapi.json, the local explorer at /docs, problem+json
// errors, keys and roles on every route, rate limits, metrics; then one plugin per area (routes/index.ts).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { authorize, BEARER, PUBLIC, ROLES, type Access, type Principal } from './auth.js';
import type { ServerContext } from './context.js';
import { DecisionFastPath, DECISIONS_URL, sharedRateStore, type RateStore } from './fast-decisions.js';
import { errorHandler, httpError, sendProblem } from './problem.js';
import { routePlugins, type RoutePlugin } from './routes/index.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal;
  }
}

export type ServerApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface ServerOptions {
  logger?: boolean;
  /** Requests per minute per key (or per address without one); false turns limits off (benchmarks, tests). */
  rateLimit?: { max: number; timeWindow?: string | number } | false;
  /** Area plugins added after the built-in ones (later issues add theirs here or in routes/index.ts). */
  extraPlugins?: readonly RoutePlugin[];
  /** Largest request body in bytes (default 64 MiB: a 10k-record batch is about 3 MB). */
  bodyLimit?: number;
  /**
   * Answer the decision route's happy path on node:http before Fastify (fast-decisions.ts, decision 0181); default
   * on, except with a request logger (whose lines are Fastify's). False keeps every request on Fastify (tests).
   */
  fastDecisions?: boolean;
}

/** Every route's access, by "METHOD url", as registered (the role × route matrix test walks this). */
export type RouteTable = Map<string, Access>;

const EVERYONE: Access = { roles: ROLES };

export async function buildServer(
  ctx: ServerContext,
  opts: ServerOptions = {},
): Promise<{ app: ServerApp; routes: RouteTable; fast?: DecisionFastPath | undefined }> {
  // The server Fastify would make, with the decision route's fast path in front of its handler once it is set up.
  let fast: DecisionFastPath | undefined;
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimit ?? 64 * 1024 * 1024,
    // Bad JSON and friends are answered by the error handler as problem+json 400s.
    return503OnClosing: true,
    serverFactory: (handler, o) => {
      const server = createServer(o.http ?? {}, (req, res) =>
        fast ? fast.handle(req, res, handler) : handler(req, res),
      );
      // As Fastify sets up its own HTTP/1 server (lib/server.js), from the options it resolved.
      const t = o as { keepAliveTimeout: number; requestTimeout: number; connectionTimeout: number };
      const perSocket = (o as { maxRequestsPerSocket?: number }).maxRequestsPerSocket ?? 0;
      server.keepAliveTimeout = t.keepAliveTimeout;
      server.requestTimeout = t.requestTimeout;
      server.setTimeout(t.connectionTimeout);
      if (perSocket > 0) server.maxRequestsPerSocket = perSocket;
      return server;
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((req, reply) =>
    sendProblem(reply, 404, [
      { code: 'route.not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` },
    ]),
  );
  app.decorateRequest('principal', null as unknown as Principal);

  const routes: RouteTable = new Map();
  app.addHook('onRoute', (r) => {
    // The explorer's own asset routes are public documentation; every other route must say who may call it.
    if (r.url.startsWith('/docs')) r.config = { ...(r.config ?? {}), access: EVERYONE };
    const access = (r.config as { access?: Access } | undefined)?.access;
    if (!access) throw new Error(`route ${String(r.method)} ${r.url} declares no config.access`);
    for (const m of [r.method].flat()) if (m !== 'HEAD') routes.set(`${m} ${r.url}`, access);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Mosaic credit platform API',
        description:
          'A public credit information platform over the Mosaic engines: record submission, credit reports, lists, feeds and point-of-service decisions. Errors are application/problem+json (RFC 9457) with stable codes.',
        version: '1.0.0',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { url: '/openapi.json' } as never });

  app.addHook('onRequest', async (req) => {
    req.principal = PUBLIC;
    const access = req.routeOptions.config.access;
    if (!access) return; // 404: the not-found handler answers
    const h = req.headers.authorization;
    if (h !== undefined) {
      const m = BEARER.exec(h);
      if (!m) throw httpError(401, 'auth.bad_header', "Authorization must be 'Bearer <key>'");
      req.principal = await ctx.keys.authenticate(m[1]!);
    }
    authorize(req.principal, access);
  });
  app.addHook('onResponse', async (req, reply) => {
    ctx.metrics.observe(
      req.method,
      req.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });

  let rate: { store: RateStore; max: number; timeWindow: number } | undefined;
  if (opts.rateLimit !== false) {
    const rl = opts.rateLimit ?? { max: 600, timeWindow: '1 minute' };
    const timeWindow = rl.timeWindow ?? '1 minute';
    await app.register(rateLimit, {
      global: true,
      // The plugin's own LocalStore, kept so the decision fast path counts in the same map.
      store: sharedRateStore((store, params) => (rate = { store, ...params })),
      max: rl.max,
      timeWindow,
      // After authentication, so a key is limited as a key and an anonymous caller by address.
      hook: 'preHandler',
      keyGenerator: (req) => (req.principal?.keyId ? `key:${req.principal.keyId}` : `ip:${req.ip}`),
      errorResponseBuilder: (_req, c) => ({
        statusCode: 429,
        code: 'FST_ERR_RATE_LIMITED',
        message: `rate limit: ${c.max} requests per ${c.after}`,
      }),
    });
  }

  app.get('/openapi.json', { config: { access: EVERYONE }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  for (const p of [...routePlugins, ...(opts.extraPlugins ?? [])])
    await app.register(async (scope) => p.register(scope as ServerApp, ctx), { name: p.name } as never);
  // A closing app answers 503 (return503OnClosing): from then on Fastify answers every request.
  app.addHook('preClose', async () => {
    if (fast) fast.closing = true;
  });
  await app.ready();
  const access = routes.get(`POST ${DECISIONS_URL}`);
  if (access && (opts.fastDecisions ?? !opts.logger)) fast = new DecisionFastPath({ ctx, access, rate });
  return { app, routes, fast };
}
