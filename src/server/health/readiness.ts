/** Where this process is in its life, for `/api/health/ready` (a load balancer's readiness probe). */
export type ReadinessState = 'starting' | 'ready' | 'draining';

export class Readiness {
  private current: ReadinessState = 'starting';

  get state(): ReadinessState {
    return this.current;
  }

  /** Serving: the gateway is attached and the port (or the cluster primary) hands us connections. */
  ready(): void {
    if (this.current === 'starting') this.current = 'ready';
  }

  /** Shutting down: running answers are being finished or saved; take no new work. */
  draining(): void {
    this.current = 'draining';
  }
}
