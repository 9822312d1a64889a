// Builds the Fastify server: Zod schemas, OpenAPI 3.1 at /openapi.json, the local explorer at /docs, problem+json
// errors, keys and roles on every route, rate limits, metrics; then one plugin per area (routes/index.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
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
import { authorize, PUBLIC, ROLES, type Access, type Principal } from './auth.js';
import type { ServerContext } from './context.js';
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
}

/** Every route's access, by "METHOD url", as registered (the role × route matrix test walks this). */
export type RouteTable = Map<string, Access>;

const EVERYONE: Access = { roles: ROLES };

export async function buildServer(
  ctx: ServerContext,
  opts: ServerOptions = {},
): Promise<{ app: ServerApp; routes: RouteTable }> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: opts.bodyLimit ?? 64 * 1024 * 1024,
    // Bad JSON and friends are answered by the error handler as problem+json 400s.
    return503OnClosing: true,
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
      const m = /^Bearer\s+(\S+)$/i.exec(h);
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

  if (opts.rateLimit !== false) {
    const rl = opts.rateLimit ?? { max: 600, timeWindow: '1 minute' };
    await app.register(rateLimit, {
      global: true,
      max: rl.max,
      timeWindow: rl.timeWindow ?? '1 minute',
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
  await app.ready();
  return { app, routes };
}
