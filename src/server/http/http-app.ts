import fs from 'node:fs';
import path from 'node:path';
import fastifyCors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { bearerToken } from '../access/api-token.ts';
import { createOriginPolicy } from '../access/origin-policy.ts';
import { createSessionAuth } from '../access/session-cookie.ts';
import type { ChatService } from '../chat/chat-service.ts';
import type { Config } from '../config.ts';
import type { DomainEvents } from '../events/domain-events.ts';
import type { Store } from '../store/store.ts';
import { registerErrorHandler, sendNotFound } from './error-handler.ts';
import { chatRoutes } from './routes/chats.ts';
import { type HealthReport, VERSION, healthRoutes } from './routes/health.ts';
import { projectRoutes } from './routes/projects.ts';
import { SESSION_ROUTE, sessionRoutes } from './routes/session.ts';

export type HttpApp = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

export interface HttpAppOptions {
  config: Config;
  logger: Logger;
  store: Store;
  chats: ChatService;
  events: DomainEvents;
  health: () => Promise<HealthReport>;
  onProjectPurged?: (projectId: number) => Promise<void>;
  /** Checks the known keys of project settings (model overrides, chunking …) before they are saved. */
  validateProjectSettings?: (next: Record<string, unknown>, current: Record<string, unknown>) => Promise<void>;
  /** More route plugins (documents, settings …) registered by their own concern. */
  plugins?: Array<(app: HttpApp) => Promise<void>>;
  webRoot?: string;
}

/** The Fastify app: schemas in and out (zod), OpenAPI at /docs, `{detail}` errors, the web app at /. */
export async function buildHttpApp(options: HttpAppOptions): Promise<HttpApp> {
  const { config, logger, store, chats, events } = options;
  const app = Fastify({
    loggerInstance: logger as unknown as FastifyBaseLogger,
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

  const isOriginAllowed = createOriginPolicy(config.corsOrigins);
  const sessions = createSessionAuth(config.API_TOKEN);
  // A foreign page may not drive the API (form posts and uploads need no CORS preflight).
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/socket.io')) return;
    if (!isOriginAllowed(request.headers.origin, request.headers.host)) {
      return reply.code(403).send({ detail: 'Origin not allowed', code: 'forbidden' });
    }
    // The matched route, not the raw URL: the router decodes the path (`/%61pi/settings` reaches
    // `/api/settings`), so a prefix test on the raw URL could be dodged.
    const routePath = request.routeOptions.url ?? request.url;
    if (config.API_TOKEN && routePath.startsWith('/api/') && routePath !== '/api/health' && routePath !== SESSION_ROUTE) {
      // The bearer token, or the web app's session cookie (with its CSRF rules, see session-cookie.ts).
      const token = bearerToken(request.headers.authorization);
      if (!sessions.authenticates({ token, method: request.method, headers: request.headers })) {
        return reply.code(401).send({ detail: 'Missing or invalid API token', code: 'unauthorized' });
      }
    }
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
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  await app.register(healthRoutes, { report: options.health });
  await app.register(sessionRoutes, { apiToken: config.API_TOKEN, sessions });
  await app.register(projectRoutes, {
    store,
    events,
    onProjectPurged: options.onProjectPurged,
    validateSettings: options.validateProjectSettings,
  });
  await app.register(chatRoutes, { store, chats });
  for (const plugin of options.plugins ?? []) await plugin(app);

  if (serveWeb && webRoot) {
    await app.register(fastifyStatic, { root: webRoot, wildcard: false });
  } else {
    app.get('/', { schema: { hide: true } }, async () => ({
      message: 'DAA Chatbot API - Use /docs for API documentation',
    }));
  }

  return app;
}
