import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AccessPolicy } from '../../access/access-policy.ts';
import { requestActor } from '../request-actor.ts';

export interface MetricsRoutesOptions {
  access: Pick<AccessPolicy, 'requireAdmin'>;
  /** Prometheus text: this process's metrics, or every worker's when the cluster primary gathers them. */
  scrape: () => Promise<{ contentType: string; text: string }>;
}

/**
 * `GET /metrics` in Prometheus text format. Guarded like the API: the API token when one is set,
 * an admin with accounts on (it shows load and timings, which no other user needs).
 */
export const metricsRoutes: FastifyPluginAsyncZod<MetricsRoutesOptions> = async (app, { access, scrape }) => {
  app.get('/metrics', {
    schema: {
      tags: ['health'],
      description:
        'Prometheus metrics of every process (labelled `instance`): sockets, running answers, tokens streamed, retrieval and first-token latency, ingestion queue depth and stage timings, event-loop lag.',
      produces: ['text/plain'],
    },
    handler: async (request, reply) => {
      access.requireAdmin(requestActor(request));
      const { contentType, text } = await scrape();
      return reply.type(contentType).send(text);
    },
  });
};
