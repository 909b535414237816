import type { AccessPolicy } from '../access/access-policy.ts';
import type { Actor } from '../access/actor.ts';
import type { InstalledModelsResponse, ModelKind, ModelPullProgress } from '../../protocol/models.ts';
import { ConflictError, LlmError, NotFoundError } from '../errors.ts';
import type { OllamaClient } from '../llm/ollama/ollama-client.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import { popularModels, searchModels } from './model-catalog.ts';
import type { ModelInventory } from './model-inventory.ts';
import { isSameModel } from './model-names.ts';
import type { ModelPulls, PullView } from './model-pulls.ts';

/**
 * The models of the model server, free of any transport: what is installed (classified by what each
 * model can do), the curated catalog, downloads (start or join, watch, cancel), and deletion with its
 * policy (never the default chat or embedding model, never while downloading).
 */
export class ModelService {
  constructor(
    private readonly deps: {
      client: OllamaClient;
      inventory: ModelInventory;
      /** This process's downloads, or every process's (ClusterModelPulls). */
      pulls: ModelPulls;
      settings: Pick<SettingsService, 'getGlobal'>;
      /** Called after a model was deleted, so cached model lists are refreshed. */
      onModelsChanged: () => void;
      /** Downloads and deletes are for admins (and the local user). */
      access: Pick<AccessPolicy, 'requireAdmin'>;
    },
  ) {}

  /** Installed models split into chat and embedding models; empty lists and a message when Ollama is down. */
  async installed(): Promise<InstalledModelsResponse> {
    const global = await this.deps.settings.getGlobal();
    const current = { current_llm: global.default_llm_model, current_embedding: global.default_embedding_model };
    try {
      const models = await this.deps.inventory.installed();
      const present = ({ kind: _kind, ...model }: (typeof models)[number]) => model;
      return {
        llm_models: models.filter((model) => model.kind === 'llm').map(present),
        embedding_models: models.filter((model) => model.kind === 'embedding').map(present),
        ...current,
        ollama_reachable: true,
      };
    } catch (error) {
      if (!(error instanceof LlmError)) throw error;
      return { llm_models: [], embedding_models: [], ...current, ollama_reachable: false, message: error.message };
    }
  }

  async popular() {
    return popularModels(await this.installedNames());
  }

  async search(options: { query: string; modelType?: ModelKind }) {
    return searchModels({ ...options, installed: await this.installedNames() });
  }

  /** Starts downloading a model, or joins the download of it that is already running. */
  startPull(actor: Actor, modelName: string): Promise<{ pull: PullView; joined: boolean }> {
    this.deps.access.requireAdmin(actor);
    return this.deps.pulls.start(modelName);
  }

  listPulls(): Promise<ModelPullProgress[]> {
    return this.deps.pulls.list();
  }

  /** A running or recently finished download. */
  async requirePull(modelName: string): Promise<PullView> {
    const pull = await this.deps.pulls.get(modelName);
    if (!pull) throw new NotFoundError(`No download of '${modelName}' is running or recently finished`);
    return pull;
  }

  /** Aborts a running download upstream; returns its final state. */
  async cancelPull(actor: Actor, modelName: string): Promise<ModelPullProgress> {
    this.deps.access.requireAdmin(actor);
    const final = await this.deps.pulls.cancel(modelName);
    if (!final) throw new NotFoundError(`No download of '${modelName}' is running`);
    return final;
  }

  /** Deletes an installed model. The default chat and embedding models, and a model downloading, are refused. */
  async deleteModel(actor: Actor, name: string): Promise<void> {
    this.deps.access.requireAdmin(actor);
    const { client, pulls, settings, onModelsChanged } = this.deps;
    const global = await settings.getGlobal();
    if (isSameModel(name, global.default_llm_model)) {
      throw new ConflictError(`'${name}' is the default chat model; choose another default before deleting it`);
    }
    if (isSameModel(name, global.default_embedding_model)) {
      throw new ConflictError(`'${name}' is the default embedding model; choose another default before deleting it`);
    }
    if (await pulls.isRunning(name)) throw new ConflictError(`'${name}' is downloading; cancel the download first`);
    try {
      await client.deleteModel({ name });
    } catch (error) {
      if (error instanceof LlmError && error.code === 'model_not_found') {
        throw new NotFoundError(`Model '${name}' is not installed`);
      }
      throw error;
    }
    onModelsChanged();
  }

  /** Installed names for the catalog's `installed` flags; none when Ollama is down. */
  private async installedNames(): Promise<string[]> {
    try {
      return (await this.deps.client.listModels()).map((model) => model.name);
    } catch (error) {
      if (error instanceof LlmError) return [];
      throw error;
    }
  }
}
