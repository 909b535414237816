/** The global settings the server answers with when nothing was saved (env defaults). */
export const DEFAULT_SETTINGS = {
  default_llm_model: 'llama3.2',
  default_embedding_model: 'nomic-embed-text',
  default_temperature: 0.7,
  default_retrieval_k: 5,
  default_min_score: 0,
  default_history_length: 5,
  default_max_tokens: 2048,
  default_chunk_size: 1000,
  default_chunk_overlap: 200,
};
