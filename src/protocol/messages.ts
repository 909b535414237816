import { z } from 'zod';

/** `streaming` while an answer is being generated; `complete`, `stopped`, `interrupted` or `failed` after. */
export const MessageStatus = z.enum(['complete', 'streaming', 'stopped', 'interrupted', 'failed']);
export type MessageStatus = z.infer<typeof MessageStatus>;

/** How an answer ended, as `message_complete.metadata.status` reports it: every status but `streaming`. */
export const MessageFinish = MessageStatus.exclude(['streaming']);
export type MessageFinish = z.infer<typeof MessageFinish>;

export const MessageRole = z.enum(['user', 'assistant', 'system']);
export type MessageRole = z.infer<typeof MessageRole>;
