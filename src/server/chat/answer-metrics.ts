/** What the send-message flow reports for monitoring (implemented in `metrics/`; absent in tests that do not care). */
export interface AnswerMetrics {
  retrievalSeconds(seconds: number): void;
  /** From the question's arrival to the first token sent. */
  firstTokenSeconds(seconds: number): void;
  tokensStreamed(count: number): void;
}
