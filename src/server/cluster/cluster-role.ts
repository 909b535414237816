import { z } from 'zod';

/**
 * What the cluster primary tells each worker it forks (environment of the worker only): its slot,
 * whether it runs the ingestion job loop, and whether this is the cluster's first start (only then
 * are half-received uploads of the data dir removed; a restarted worker must not touch its siblings').
 */
const ClusterRoleEnv = z.object({
  DAA_CLUSTER_PRIMARY_PID: z.coerce.number().int().positive(),
  DAA_CLUSTER_SLOT: z.coerce.number().int().min(1),
  DAA_CLUSTER_RUNS_JOBS: z.enum(['true', 'false']).transform((value) => value === 'true'),
  DAA_CLUSTER_FIRST_START: z.enum(['true', 'false']).transform((value) => value === 'true'),
});
export type ClusterRole = z.infer<typeof ClusterRoleEnv>;

/** This process's role when it is a cluster worker, else undefined. */
export function clusterRole(env: Record<string, string | undefined> = process.env): ClusterRole | undefined {
  if (env.DAA_CLUSTER_PRIMARY_PID === undefined) return undefined;
  return ClusterRoleEnv.parse(env);
}

export function clusterRoleEnv(role: ClusterRole): Record<string, string> {
  return {
    DAA_CLUSTER_PRIMARY_PID: String(role.DAA_CLUSTER_PRIMARY_PID),
    DAA_CLUSTER_SLOT: String(role.DAA_CLUSTER_SLOT),
    DAA_CLUSTER_RUNS_JOBS: String(role.DAA_CLUSTER_RUNS_JOBS),
    DAA_CLUSTER_FIRST_START: String(role.DAA_CLUSTER_FIRST_START),
  };
}
