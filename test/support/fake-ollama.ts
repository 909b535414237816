import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A fake Ollama server speaking Ollama's real wire format (NDJSON `/api/chat`, `/api/embed`,
 * `/api/tags`, `/api/show`, `/api/pull`, `/api/delete`, `/api/version`), scriptable per request:
 * tokens, rate, stall, error mid-stream, HTTP errors, refused connections, echo of the prompt. It
 * records every request and whether the client hung up before the answer ended. Pulls of a name
 * containing `does-not-exist` fail with HTTP 500; of one containing `fails-midway`, with an in-stream
 * `{"error": …}` line halfway.
 */
export interface ChatScript {
  /** The tokens to stream; default: the recorded fixture's tokens. */
  tokens?: string[];
  /** Stream the last user message (the prompt) back, word by word. */
  echoPrompt?: boolean;
  /** Stream N generated tokens `t1 t2 …`. */
  tokenCount?: number;
  tokenDelayMs?: number;
  firstTokenDelayMs?: number;
  /** Stop sending after N tokens and keep the connection open. */
  stallAfter?: number;
  /** Send Ollama's `{"error": …}` line after N tokens. */
  errorAfter?: number;
  /** Destroy the connection after N tokens. */
  dropAfter?: number;
  /** Stamp each token with its emit time (`t<n>@<epoch ms> `), for latency benchmarks. */
  stampTokens?: boolean;
  /** Answer with this HTTP status and `{"error": errorMessage}`. */
  status?: number;
  errorMessage?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: any;
  /** The client closed the connection before the response ended. */
  hungUp: boolean;
  ended: boolean;
  tokensSent: number;
  /** Resolves when the response ended or the client hung up. */
  settled: Promise<void>;
}

export interface FakeModel {
  name: string;
  capabilities: string[];
  family?: string;
  parameterSize?: string;
  contextLength?: number;
  embeddingLength?: number;
  size?: number;
}

const fixtureLines = fs
  .readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/ollama/chat-basic.ndjson'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line));
export const FIXTURE_TOKENS: string[] = fixtureLines.filter((line) => !line.done).map((line) => line.message.content as string);

export const DEFAULT_MODELS: FakeModel[] = [
  {
    name: 'llama3.2:latest',
    capabilities: ['completion', 'tools'],
    family: 'llama',
    parameterSize: '3.2B',
    contextLength: 131072,
    size: 2019393189,
  },
  {
    name: 'nomic-embed-text:latest',
    capabilities: ['embedding'],
    family: 'nomic-bert',
    parameterSize: '137M',
    contextLength: 2048,
    embeddingLength: 768,
    size: 274302450,
  },
];

/** A deterministic bag-of-words embedding: texts sharing words get similar vectors. */
export function fakeEmbedding(text: string, dimensions = 768): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    let hash = 2166136261;
    for (let index = 0; index < word.length; index += 1) {
      hash ^= word.charCodeAt(index);
      hash = Math.imul(hash, 16777619);
    }
    vector[Math.abs(hash) % dimensions]! += 1;
  }
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => value / norm);
}

export class FakeOllama {
  readonly requests: RecordedRequest[] = [];
  models: FakeModel[] = DEFAULT_MODELS.map((model) => ({ ...model }));
  /** Applied to every `/api/chat` request without a queued script. */
  defaultScript: ChatScript = {};
  /** Embed failures: answer `/api/embed` with this status while > 0 calls remain. */
  embedFailures = 0;
  embedDelayMs = 0;
  /** Good `/api/embed` answers left before the vectors come one value short (each batch consistent in itself); undefined: never. */
  embedShortAfter: number | undefined;
  /** Delay before answering `/api/show` (a model check that takes a while). */
  showDelayMs = 0;
  pullChunks = 5;
  pullDelayMs = 5;
  /**
   * How long an idle keep-alive connection stays open (Node's default 5 s). A client that is late
   * by more than its own margin reuses one just as this closes it: "connection reset".
   */
  keepAliveTimeoutMs = 5_000;
  private queued: ChatScript[] = [];
  private server: http.Server | undefined;
  private sockets = new Set<import('node:net').Socket>();
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The next `/api/chat` request follows this script (then back to the default). */
  queue(script: ChatScript): void {
    this.queued.push(script);
  }

  chatRequests(): RecordedRequest[] {
    return this.requests.filter((request) => request.path === '/api/chat');
  }

  /** Every recorded request to one path, e.g. `/api/pull`. */
  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  lastChat(): RecordedRequest {
    const last = this.chatRequests().at(-1);
    if (!last) throw new Error('no /api/chat request was made');
    return last;
  }

  async start(port = 0): Promise<this> {
    this.server = http.createServer((request, response) => void this.handle(request, response));
    this.server.keepAliveTimeout = this.keepAliveTimeoutMs;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Stops listening, so that new connections are refused (the port stays known). */
  async stop(): Promise<void> {
    if (!this.server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    let settle!: () => void;
    const recorded: RecordedRequest = {
      method: request.method ?? 'GET',
      path: (request.url ?? '/').split('?')[0]!,
      body,
      hungUp: false,
      ended: false,
      tokensSent: 0,
      settled: new Promise((resolve) => (settle = resolve)),
    };
    this.requests.push(recorded);
    response.on('close', () => {
      if (!response.writableFinished) recorded.hungUp = true;
      settle();
    });
    response.on('finish', () => {
      recorded.ended = true;
      settle();
    });

    switch (`${recorded.method} ${recorded.path}`) {
      case 'POST /api/chat':
        return this.chat(body, recorded, response);
      case 'POST /api/embed':
        return this.embed(body, response);
      case 'GET /api/tags':
        return json(response, 200, {
          models: this.models.map((model) => ({
            name: model.name,
            model: model.name,
            modified_at: '2026-10-01T10:00:00.000000000Z',
            size: model.size ?? 1_000_000,
            digest: 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72',
            details: {
              parent_model: '',
              format: 'gguf',
              family: model.family ?? 'llama',
              families: [model.family ?? 'llama'],
              parameter_size: model.parameterSize ?? '1B',
              quantization_level: 'Q4_K_M',
            },
          })),
        });
      case 'POST /api/show':
        if (this.showDelayMs > 0) await sleep(this.showDelayMs);
        return this.show(body, response);
      case 'POST /api/pull':
        return this.pull(body, response);
      case 'DELETE /api/delete': {
        const name = normaliseName(body?.model ?? body?.name ?? '');
        const before = this.models.length;
        this.models = this.models.filter((model) => normaliseName(model.name) !== name);
        if (this.models.length === before) return json(response, 404, { error: `model '${body?.model}' not found` });
        response.writeHead(200).end();
        return;
      }
      case 'GET /api/version':
        return json(response, 200, { version: '0.12.6' });
      default:
        return json(response, 404, { error: 'not found' });
    }
  }

  private findModel(name: string): FakeModel | undefined {
    const wanted = normaliseName(name);
    return this.models.find((model) => normaliseName(model.name) === wanted);
  }

  private async chat(body: any, recorded: RecordedRequest, response: http.ServerResponse): Promise<void> {
    const script = this.queued.shift() ?? this.defaultScript;
    if (script.status) {
      return json(response, script.status, { error: script.errorMessage ?? `status ${script.status}` });
    }
    if (!this.findModel(body?.model ?? '')) {
      return json(response, 404, { error: `model "${body?.model}" not found, try pulling it first` });
    }
    const tokens = script.echoPrompt
      ? (String(body.messages.at(-1)?.content ?? '').match(/\S+\s*/g) ?? [])
      : script.tokenCount
        ? Array.from({ length: script.tokenCount }, (_, index) => `t${index + 1} `)
        : (script.tokens ?? FIXTURE_TOKENS);
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    if (script.firstTokenDelayMs) await sleep(script.firstTokenDelayMs);
    for (const [index, token] of tokens.entries()) {
      if (response.destroyed) return;
      if (script.stallAfter !== undefined && index >= script.stallAfter) return; // keep the connection open
      if (script.errorAfter !== undefined && index >= script.errorAfter) {
        response.end(`${JSON.stringify({ error: script.errorMessage ?? 'an error was encountered while running the model' })}\n`);
        return;
      }
      if (script.dropAfter !== undefined && index >= script.dropAfter) {
        response.destroy();
        return;
      }
      const content = script.stampTokens ? `t${index + 1}@${(performance.timeOrigin + performance.now()).toFixed(3)} ` : token;
      response.write(
        `${JSON.stringify({ model: body.model, created_at: new Date().toISOString(), message: { role: 'assistant', content }, done: false })}\n`,
      );
      recorded.tokensSent += 1;
      if (script.tokenDelayMs) await sleep(script.tokenDelayMs);
      else if (index % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
    }
    if (response.destroyed) return;
    response.end(
      `${JSON.stringify({
        model: body.model,
        created_at: new Date().toISOString(),
        message: { role: 'assistant', content: '' },
        done: true,
        done_reason: 'stop',
        total_duration: 4883583458,
        load_duration: 1334875,
        prompt_eval_count: 26,
        prompt_eval_duration: 342546000,
        eval_count: tokens.length,
        eval_duration: 4535599000,
      })}\n`,
    );
  }

  private async embed(body: any, response: http.ServerResponse): Promise<void> {
    if (this.embedDelayMs) await sleep(this.embedDelayMs);
    if (this.embedFailures > 0) {
      this.embedFailures -= 1;
      return json(response, 500, { error: 'embedding server overloaded' });
    }
    const model = this.findModel(body?.model ?? '');
    if (!model) return json(response, 404, { error: `model "${body?.model}" not found, try pulling it first` });
    if (!model.capabilities.includes('embedding')) {
      return json(response, 400, { error: `"${body.model}" does not support embeddings` });
    }
    const inputs: string[] = Array.isArray(body.input) ? body.input : [body.input];
    let dimensions = model.embeddingLength ?? 768;
    if (this.embedShortAfter !== undefined) {
      if (this.embedShortAfter > 0) this.embedShortAfter -= 1;
      else dimensions -= 1;
    }
    return json(response, 200, {
      model: body.model,
      embeddings: inputs.map((input) => fakeEmbedding(String(input), dimensions)),
      total_duration: 14143917,
      load_duration: 1019500,
      prompt_eval_count: inputs.length * 8,
    });
  }

  private show(body: any, response: http.ServerResponse): void {
    const model = this.findModel(body?.model ?? body?.name ?? '');
    if (!model) return json(response, 404, { error: `model '${body?.model}' not found` });
    const family = model.family ?? 'llama';
    return json(response, 200, {
      modelfile: '# Modelfile generated by "ollama show"',
      parameters: 'num_keep 24',
      template: '{{ .Prompt }}',
      details: {
        parent_model: '',
        format: 'gguf',
        family,
        families: [family],
        parameter_size: model.parameterSize ?? '1B',
        quantization_level: 'Q4_K_M',
      },
      model_info: {
        'general.architecture': family,
        'general.parameter_count': 3_212_749_888,
        [`${family}.context_length`]: model.contextLength ?? 8192,
        ...(model.embeddingLength ? { [`${family}.embedding_length`]: model.embeddingLength } : {}),
      },
      capabilities: model.capabilities,
      modified_at: '2026-10-01T10:00:00.000000000Z',
    });
  }

  private async pull(body: any, response: http.ServerResponse): Promise<void> {
    const name: string = body?.model ?? body?.name ?? '';
    if (!name || name.includes('does-not-exist')) {
      return json(response, 500, { error: 'pull model manifest: file does not exist' });
    }
    response.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const write = (line: object) => {
      if (!response.destroyed) response.write(`${JSON.stringify(line)}\n`);
    };
    write({ status: 'pulling manifest' });
    const total = 1_000_000;
    const digest = 'sha256:2ae6f6dd7a3dd734790bbbf58b8909a606e0e7e97e94b7604e0aa7ae4490e6d8';
    for (let index = 1; index <= this.pullChunks; index += 1) {
      await sleep(this.pullDelayMs);
      if (response.destroyed) return;
      // Real Ollama reports most pull failures in-stream, after a 200.
      if (name.includes('fails-midway') && index > this.pullChunks / 2) {
        response.end(`${JSON.stringify({ error: 'max retries exceeded: unexpected EOF' })}\n`);
        return;
      }
      write({ status: `pulling ${digest.slice(7, 19)}`, digest, total, completed: Math.round((total * index) / this.pullChunks) });
    }
    write({ status: 'verifying sha256 digest' });
    write({ status: 'writing manifest' });
    if (!this.findModel(name)) {
      const embedding = /embed|minilm|bge|gte/.test(name);
      this.models.push({
        name: name.includes(':') ? name : `${name}:latest`,
        capabilities: embedding ? ['embedding'] : ['completion'],
        embeddingLength: embedding ? 384 : undefined,
      });
    }
    write({ status: 'success' });
    response.end();
  }
}

function normaliseName(name: string): string {
  return name.includes(':') ? name : `${name}:latest`;
}

function json(response: http.ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
