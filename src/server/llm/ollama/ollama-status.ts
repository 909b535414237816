import { z } from 'zod';

const TagsResponse = z.object({
  models: z.array(z.object({ name: z.string() }).passthrough()).default([]),
});

export interface OllamaStatus {
  reachable: boolean;
  models: string[];
  error?: string;
  checkedAt: number;
}

/**
 * Whether the Ollama server answers `/api/tags`, cached briefly so that a chat does not pay a probe
 * each time, and so that a server that comes up is noticed within seconds.
 */
export class OllamaStatusProbe {
  private cached: OllamaStatus | undefined;
  private inflight: Promise<OllamaStatus> | undefined;

  constructor(
    private readonly baseURL: string,
    private readonly options: { timeoutMs?: number; ttlMs?: number; fetch?: typeof fetch } = {},
  ) {}

  async check(options: { fresh?: boolean } = {}): Promise<OllamaStatus> {
    const ttl = this.options.ttlMs ?? 5_000;
    if (!options.fresh && this.cached && Date.now() - this.cached.checkedAt < ttl) return this.cached;
    this.inflight ??= this.probe().finally(() => {
      this.inflight = undefined;
    });
    this.cached = await this.inflight;
    return this.cached;
  }

  private async probe(): Promise<OllamaStatus> {
    try {
      const response = await (this.options.fetch ?? fetch)(`${this.baseURL}/api/tags`, {
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 1_500),
      });
      if (!response.ok) {
        return { reachable: false, models: [], error: `HTTP ${response.status}`, checkedAt: Date.now() };
      }
      const parsed = TagsResponse.safeParse(await response.json());
      const models = parsed.success ? parsed.data.models.map((model) => model.name) : [];
      return { reachable: true, models, checkedAt: Date.now() };
    } catch (error) {
      const code = (error as { cause?: { code?: string } }).cause?.code;
      return {
        reachable: false,
        models: [],
        error: code ?? (error instanceof Error ? error.message : 'unreachable'),
        checkedAt: Date.now(),
      };
    }
  }
}
