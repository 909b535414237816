import type { Source } from '../../../protocol/source.ts';
import type { ChatModel, ChatPart, ChatStreamOptions } from '../chat-model.ts';

const STOPWORDS = new Set(
  (
    'a an and are as at be but by can do does for from has have how i if in into is it its of on or ' +
    'that the their there these this to was what when where which who why will with you your about ' +
    'document documents tell me please explain describe'
  ).split(' '),
);

const MAX_SENTENCES = 4;
const MAX_SENTENCE_CHARS = 400;

export const NO_SOURCES_ANSWER =
  "I couldn't find anything about this in the project's documents, and no language model is " +
  'available to answer from general knowledge. Upload documents to this project or rephrase the question.';

function terms(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((term) => term.length > 2 && !STOPWORDS.has(term));
}

function sentences(text: string): string[] {
  return text
    .replace(/\s+/g, ' ')
    .split(/(?<=[.!?])\s+(?=[\p{Lu}\p{N}"'([])/u)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length >= 20);
}

/**
 * A passage quoted as text: a Markdown block marker at its start (`# Parking`, `> note`, `1.`, `-`,
 * a table pipe) is escaped, so a heading of the document does not become a giant heading in a bullet.
 */
export function quoteAsText(text: string): string {
  // An ordered-list marker is escaped at its punctuation (a backslash before a digit is shown as is).
  const ordered = /^(\s*\d{1,9})([.)])(?=\s)/.exec(text);
  if (ordered) return `${ordered[1]}\\${ordered[2]}${text.slice(ordered[0].length)}`;
  return text.replace(
    /^(\s*)(#{1,6}(?=\s|$)|>|[-*+](?=\s)|\||={3,}|-{3,}|`{3,}|~{3,})/,
    (_match, space: string, marker: string) => `${space}\\${marker}`,
  );
}

/**
 * Builds a grounded answer from the retrieved passages alone: the sentences that share the most terms
 * with the question, in source order, each cited as [n]. Used when no model server is reachable, so
 * the app still answers from the user's documents, and says plainly that it did so.
 */
export function composeExtractiveAnswer(question: string, sources: Source[]): string {
  if (sources.length === 0) return NO_SOURCES_ANSWER;
  const wanted = new Set(terms(question));
  const candidates: Array<{ text: string; source: number; order: number; score: number }> = [];
  sources.forEach((source, sourceIndex) => {
    sentences(source.content).forEach((sentence, order) => {
      const sentenceTerms = new Set(terms(sentence));
      let overlap = 0;
      for (const term of wanted) if (sentenceTerms.has(term)) overlap += 1;
      // Earlier (better-ranked) sources win ties.
      candidates.push({ text: sentence, source: sourceIndex, order, score: overlap - sourceIndex * 0.01 });
    });
  });
  let chosen = candidates.filter((candidate) => candidate.score > 0);
  if (chosen.length === 0) chosen = candidates.filter((candidate) => candidate.source === 0).slice(0, 2);
  chosen = chosen
    .sort((left, right) => right.score - left.score)
    .slice(0, MAX_SENTENCES)
    .sort((left, right) => left.source - right.source || left.order - right.order);
  if (chosen.length === 0) {
    const first = sources[0]?.content.trim().slice(0, MAX_SENTENCE_CHARS) ?? '';
    return `From the documents (no language model is available, so this is a quote): ${quoteAsText(first)} [1]`;
  }
  const lines = chosen.map((candidate) => {
    const text = candidate.text.length > MAX_SENTENCE_CHARS ? `${candidate.text.slice(0, MAX_SENTENCE_CHARS)}…` : candidate.text;
    return `- ${quoteAsText(text)} [${candidate.source + 1}]`;
  });
  return `From the documents (no language model is available, so these are the most relevant passages, quoted):\n\n${lines.join('\n')}`;
}

/** Streams the extractive answer word by word, so clients see the same token flow as with an LLM. */
export class ExtractiveChatModel implements ChatModel {
  readonly provider = 'extractive' as const;
  readonly modelId = 'extractive';

  async *stream(options: ChatStreamOptions): AsyncGenerator<ChatPart> {
    const answer = composeExtractiveAnswer(options.grounding.question, options.grounding.sources);
    const pieces = answer.match(/\S+\s*/g) ?? [];
    let count = 0;
    for (const piece of pieces) {
      if (options.signal.aborted) return;
      count += 1;
      yield { type: 'text-delta', text: piece };
      // Yield to the event loop now and then, so a long quote never holds it.
      if (count % 16 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    yield { type: 'finish', reason: 'stop', completionTokens: count };
  }
}
