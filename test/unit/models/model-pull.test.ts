import { describe, expect, it } from 'vitest';
import type { ModelPullProgress } from '../../../src/protocol/models.ts';
import { classifyModel } from '../../../src/server/models/model-classification.ts';
import { canonicalModelName, isSameModel, modelBaseName } from '../../../src/server/models/model-names.ts';
import { ModelPull } from '../../../src/server/models/model-pull.ts';

function pullWithLog(throttleMs = 1_000_000) {
  const published: ModelPullProgress[] = [];
  const pull = new ModelPull('llama3.2', { throttleMs, onProgress: (progress) => published.push(progress) });
  return { pull, published };
}

describe('ModelPull progress', () => {
  it('sums the layers seen so far and never lets percent go back when a small layer appears', () => {
    const { pull, published } = pullWithLog();
    pull.apply({ status: 'pulling manifest' });
    pull.apply({ status: 'pulling aaa', digest: 'sha256:aaa', total: 1000, completed: 500 });
    pull.apply({ status: 'pulling aaa', digest: 'sha256:aaa', total: 1000, completed: 1000 });
    pull.apply({ status: 'pulling bbb', digest: 'sha256:bbb', total: 100, completed: 0 });
    expect(pull.progress).toMatchObject({ total: 1100, completed: 1000, percent: 100, done: false });
    pull.apply({ status: 'pulling bbb', digest: 'sha256:bbb', total: 100, completed: 100 });
    pull.apply({ status: 'success' });
    expect(published.map((progress) => progress.percent)).toEqual([0, 50, 100, 100, 100]);
    expect(published.at(-1)).toEqual({
      model_name: 'llama3.2',
      status: 'success',
      completed: 1100,
      total: 1100,
      percent: 100,
      done: true,
    });
  });

  it('publishes status changes and whole-percent steps, not every byte', () => {
    const { pull, published } = pullWithLog();
    for (let completed = 0; completed <= 10_000; completed += 7) {
      pull.apply({ status: 'pulling aaa', digest: 'sha256:aaa', total: 10_000, completed });
    }
    // 0 … 99 %: one update per whole percent at most, in order.
    expect(published.length).toBeLessThanOrEqual(101);
    expect(published.length).toBeGreaterThanOrEqual(99);
    const percents = published.map((progress) => Math.floor(progress.percent));
    expect(new Set(percents).size).toBe(percents.length);
  });

  it('ends once: later lines and outcomes are ignored, and listeners hear the final state', async () => {
    const { pull, published } = pullWithLog();
    const heard: ModelPullProgress[] = [];
    pull.subscribe((progress) => heard.push(progress));
    pull.finish({ status: 'error', error: 'boom' });
    pull.apply({ status: 'success' });
    pull.finish({ status: 'cancelled', error: 'late' });
    expect(published).toHaveLength(1);
    expect(heard.map((progress) => progress.status)).toEqual(['starting', 'error']);
    expect(await pull.whenFinished()).toMatchObject({ status: 'error', error: 'boom', done: true });
    const late: ModelPullProgress[] = [];
    pull.subscribe((progress) => late.push(progress));
    expect(late).toEqual([heard.at(-1)]);
  });
});

describe('model names', () => {
  it('fills in :latest for comparison and keeps other tags distinct', () => {
    expect(isSameModel('llama3.2', 'llama3.2:latest')).toBe(true);
    expect(isSameModel('Llama3.2:LATEST', 'llama3.2')).toBe(true);
    expect(isSameModel('llama3.2:1b', 'llama3.2')).toBe(false);
    expect(canonicalModelName('hf.co/someone/repo')).toBe('hf.co/someone/repo:latest');
    expect(canonicalModelName('registry.local/ns/model:q4')).toBe('registry.local/ns/model:q4');
    expect(modelBaseName('llama3.2:1b')).toBe('llama3.2');
    expect(modelBaseName('hf.co/someone/repo')).toBe('hf.co/someone/repo');
  });
});

describe('classifyModel', () => {
  it('trusts capabilities over names', () => {
    expect(classifyModel({ capabilities: ['embedding'] })).toBe('embedding');
    expect(classifyModel({ capabilities: ['completion'], tag: { name: 'super-embed:7b' } })).toBe('llm');
  });

  it('falls back on the architecture when an old Ollama reports no capabilities', () => {
    expect(classifyModel({ capabilities: [], show: { model_info: { 'bert.pooling_type': 1 } } })).toBe('embedding');
    expect(classifyModel({ capabilities: [], tag: { name: 'all-minilm', details: { family: 'bert' } } })).toBe('embedding');
    expect(classifyModel({ capabilities: [], tag: { name: 'embed-me', details: { family: 'llama' } } })).toBe('llm');
  });
});
