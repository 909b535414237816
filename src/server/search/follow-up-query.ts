import { contentWordCount } from '../store/text-analyzer.ts';

/** Fewer content words than this and a question is read as a follow-up of the previous one. */
export const FOLLOW_UP_MAX_CONTENT_WORDS = 3;

/**
 * The text a chat question is searched by: the question alone, or, when it has few content words
 * ("and what about page 5?", "why?"), the previous user turn followed by the question, so a
 * follow-up finds the passages of the topic it continues. Measured on test/fixtures/follow-up-questions.json
 * (bench:retrieval).
 */
export function retrievalQuery(question: string, previousQuestion: string | undefined): string {
  if (!previousQuestion?.trim()) return question;
  if (contentWordCount(question) >= FOLLOW_UP_MAX_CONTENT_WORDS) return question;
  return `${previousQuestion.trim()}\n${question}`;
}
