import type { FastifyRequest } from 'fastify';
import type { SessionAuth } from '../../access/session-cookie.ts';
import type { Domain } from '../../domain.ts';
import type { ClientLimits } from '../../limits/client-limits.ts';
import type { HttpApp } from '../http-app.ts';
import { analyticsRoutes } from './analytics.ts';
import { authRoutes } from './auth.ts';
import { chatRoutes } from './chats.ts';
import { documentRoutes } from './documents.ts';
import { healthRoutes } from './health.ts';
import { metricsRoutes } from './metrics.ts';
import type { Readiness } from '../../health/readiness.ts';
import { llmRoutes } from './llm.ts';
import { maintenanceRoutes } from './maintenance.ts';
import { memberRoutes } from './members.ts';
import { modelRoutes } from './models.ts';
import { projectArchiveRoutes } from './project-archive.ts';
import { projectRoutes } from './projects.ts';
import { retrievalTesterRoutes } from './retrieval-tester.ts';
import { sessionRoutes } from './session.ts';
import { settingsRoutes } from './settings.ts';
import { userRoutes } from './users.ts';

export interface RouteDependencies {
  domain: Domain;
  /** The realtime connections, counted by `/api/health`. */
  connections: { readonly size: number };
  /** Per-client caps: answers asked over HTTP count per address with the socket ones. */
  limits: ClientLimits;
  /** Whether a request may see health details (it carries the API token, or none is configured). */
  showHealthDetails: (request: FastifyRequest) => boolean;
  /** The web app's session cookies (sign-in with the API token). */
  sessions: SessionAuth;
  /** Starting, ready or draining, for `/api/health/ready`. */
  readiness: Readiness;
}

/** Every REST route plugin, registered in one place; each gets only the services it uses. */
export async function registerRoutes(
  app: HttpApp,
  { domain, connections, limits, showHealthDetails, sessions, readiness }: RouteDependencies,
): Promise<void> {
  const { config } = domain;
  await app.register(healthRoutes, { health: domain.health, connections, showDetails: showHealthDetails, readiness });
  await app.register(metricsRoutes, { access: domain.access, scrape: domain.scrapeMetrics });
  await app.register(sessionRoutes, { apiToken: config.API_TOKEN, sessions });
  await app.register(authRoutes, { config, accounts: domain.accounts, limits: domain.limits });
  await app.register(userRoutes, { accounts: domain.accounts });
  await app.register(memberRoutes, { members: domain.members });
  await app.register(projectRoutes, { projects: domain.projects, access: domain.access });
  await app.register(chatRoutes, { store: domain.store, access: domain.access, chats: domain.chats, limits });
  await app.register(settingsRoutes, { settings: domain.settings });
  await app.register(modelRoutes, { models: domain.models });
  await app.register(llmRoutes, {
    config,
    client: domain.ollama,
    probe: domain.ollamaStatus,
    settings: domain.settings,
    models: domain.models,
  });
  await app.register(documentRoutes, {
    store: domain.store,
    access: domain.access,
    documents: domain.documents,
    limits: domain.limits,
    files: domain.ingestion.files,
    maxUploadBytes: Math.round(config.MAX_UPLOAD_MB * 1024 * 1024),
    maxFiles: config.MAX_UPLOAD_FILES,
  });
  await app.register(projectArchiveRoutes, {
    archives: domain.archives,
    files: domain.ingestion.files,
    maxImportBytes: Math.round(config.MAX_IMPORT_MB * 1024 * 1024),
  });
  await app.register(retrievalTesterRoutes, { access: domain.access, retriever: domain.search });
  await app.register(analyticsRoutes, { analytics: domain.analytics });
  await app.register(maintenanceRoutes, { maintenance: domain.maintenance });
}
