import fs from 'node:fs';
import path from 'node:path';
import fastifyCors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest, type RawServerDefault } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { Readiness } from '../health/readiness.ts';
import type { Logger } from 'pino';
import { createAccountAuthenticator } from '../access/account-authentication.ts';
import { LOCAL_ACTOR } from '../access/actor.ts';
import { bearerToken } from '../access/api-token.ts';
import { accessPolicyOptions } from '../access/access-policy-options.ts';
import { createRequestAccessPolicy } from '../access/request-access.ts';
import { createSessionAuth } from '../access/session-cookie.ts';
import type { Config } from '../config.ts';
import type { Domain } from '../domain.ts';
import { VERSION } from '../version.ts';
import { registerErrorHandler, sendNotFound } from './error-handler.ts';
import { registerJsonBodyParser } from './json-body-parser.ts';
import { PUBLIC_AUTH_ROUTES } from './routes/auth.ts';
import { registerRoutes } from './routes/index.ts';
import { SESSION_ROUTE } from './routes/session.ts';
import { type ClientLimits, createClientLimits } from '../limits/client-limits.ts';
import { OneLineRequestLog } from './request-log.ts';
import { withExamples } from './openapi-examples.ts';

export type HttpApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

export interface HttpAppOptions {
  config: Config;
  logger: Logger;
  /** The services every route calls. */
  domain: Domain;
  /** The realtime connections, counted by `/api/health`. */
  connections: { readonly size: number };
  /** The per-client caps shared with the realtime gateway (answers count per address on both edges). */
  limits?: ClientLimits;
  webRoot?: string;
  /** Starting, ready or draining (`/api/health/ready`); a new one (starting) when left out. */
  readiness?: Readiness;
}

/** The Fastify app: schemas in and out (zod), OpenAPI at /docs, `{detail}` errors, the web app at /. */
export async function buildHttpApp(options: HttpAppOptions): Promise<HttpApp> {
  const { config, logger } = options;
  const app = Fastify({
    loggerInstance: logger as unknown as FastifyBaseLogger,
    logController: new OneLineRequestLog(),
    routerOptions: { ignoreTrailingSlash: true },
    bodyLimit: 1024 * 1024,
    forceCloseConnections: true,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  const webRoot = options.webRoot;
  const serveWeb = Boolean(config.SERVE_WEB && webRoot && fs.existsSync(path.join(webRoot, 'index.html')));
  registerErrorHandler(app, {
    // Client-side routes (`/projects/3`) get the app shell; API and socket misses stay JSON 404s.
    notFound: serveWeb
      ? (request, reply) => {
          if (request.method === 'GET' && !request.url.startsWith('/api/') && !request.url.startsWith('/socket.io')) {
            return reply.type('text/html').sendFile('index.html');
          }
          return sendNotFound(request, reply);
        }
      : undefined,
  });

  registerJsonBodyParser(app);

  const checkRequest = createRequestAccessPolicy(accessPolicyOptions(config));
  const sessions = createSessionAuth(config.API_TOKEN);
  const authenticateAccount = createAccountAuthenticator(options.domain.accounts);
  // The bearer token, or the web app's session cookie (with its CSRF rules, see session-cookie.ts).
  const isAuthorized = (request: FastifyRequest) =>
    sessions.authenticates({ token: bearerToken(request.headers.authorization), method: request.method, headers: request.headers });
  app.addHook('onRequest', async (request, reply) => {
    // Host first (DNS rebinding), then Origin (a foreign page's form posts need no preflight): for
    // every route, static file and 404 alike.
    const decision = checkRequest(request.headers);
    if (!decision.allowed) {
      request.log.warn({ reason: decision.reason, host: request.headers.host, origin: request.headers.origin }, 'request refused');
      return reply.code(403).send({ detail: decision.detail, code: 'forbidden' });
    }
    // The matched route, not the raw URL: the router decodes the path (`/%61pi/settings` reaches
    // `/api/settings`), so a prefix test on the raw URL could be dodged.
    const routePath = request.routeOptions.url ?? request.url.split('?')[0]!;
    if (config.AUTH_MODE === 'accounts') {
      // Accounts: the actor is the user behind the bearer token (session or API key) or the cookie.
      const authenticated = await authenticateAccount({
        token: bearerToken(request.headers.authorization),
        method: request.method,
        headers: request.headers,
      });
      if (authenticated) request.actor = authenticated.actor;
      else if (needsToken(routePath) && !PUBLIC_AUTH_ROUTES.has(routePath)) {
        return reply
          .code(401)
          .send({ detail: 'Sign in first, or send a session token or API key as a bearer token', code: 'unauthorized' });
      }
      return;
    }
    if (config.API_TOKEN && needsToken(routePath) && !isAuthorized(request)) {
      return reply.code(401).send({ detail: 'Missing or invalid API token', code: 'unauthorized' });
    }
    request.actor = LOCAL_ACTOR;
  });
  await app.register(fastifyCors, { origin: config.corsOrigins, credentials: false });

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'DAA Chatbot API',
        version: VERSION,
        description:
          'Local RAG chatbot. Realtime streaming is Socket.IO at /socket.io/ (see docs/realtime-protocol.md); this is the REST side.',
      },
    },
    transform: withExamples(jsonSchemaTransform),
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  const showHealthDetails = (request: FastifyRequest) =>
    config.AUTH_MODE === 'accounts' ? request.actor !== undefined : isAuthorized(request);
  await registerRoutes(app, {
    domain: options.domain,
    connections: options.connections,
    limits: options.limits ?? createClientLimits(options.config),
    sessions,
    showHealthDetails,
    readiness: options.readiness ?? new Readiness(),
  });

  if (serveWeb && webRoot) {
    await app.register(fastifyStatic, { root: webRoot, wildcard: false });
  } else {
    app.get('/', { schema: { hide: true } }, async () => ({
      message: 'DAA Chatbot API - Use /docs for API documentation',
    }));
  }

  return app;
}

/** Probes and monitors carry no token: these answer `{status}` (and the details only with the token). */
const HEALTH_ROUTES = new Set(['/api/health', '/api/health/live', '/api/health/ready']);

/**
 * What the API token guards in token mode: the API (but the status-only health probes), `/metrics`,
 * the API documentation (it maps every route), and source maps (they are the app's source). The web app's
 * shell and assets stay open: the page must load to ask for the token.
 */
function needsToken(routePath: string): boolean {
  if (HEALTH_ROUTES.has(routePath) || routePath === SESSION_ROUTE) return false;
  return (
    routePath.startsWith('/api/') ||
    routePath === '/metrics' ||
    routePath === '/docs' ||
    routePath.startsWith('/docs/') ||
    routePath.endsWith('.map')
  );
}
