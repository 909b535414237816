import type { ChatRecord, MessageRecord } from '../store/store.ts';
import { presentMessage } from './presenters.ts';

export function exportFilename(chat: ChatRecord, extension: 'md' | 'json'): string {
  // Cut by code points, so that an emoji is never split in half.
  const title = Array.from(chat.title.replace(/\s+/g, '_').replace(/[\\/:*?"<>|]/g, ''))
    .slice(0, 80)
    .join('');
  return `chat_${chat.id}_${title}.${extension}`;
}

/** The original's Markdown layout: title, dates, then each message with its sources and relevance. */
export function chatToMarkdown(chat: ChatRecord, messages: MessageRecord[]): string {
  const lines = [
    `# ${chat.title}`,
    '',
    `**Created:** ${chat.createdAt}`,
    `**Updated:** ${chat.updatedAt}`,
    `**Messages:** ${messages.length}`,
    '',
    '---',
    '',
  ];
  for (const message of messages) {
    lines.push(message.role === 'user' ? '## 👤 User' : '## 🤖 Assistant', '', `*${message.createdAt}*`, '');
    lines.push(message.content || '_(no answer)_', '');
    if (message.status !== 'complete' && message.role === 'assistant') lines.push(`_(${message.status})_`, '');
    if (message.sources && message.sources.length > 0) {
      lines.push('### 📚 Sources', '');
      message.sources.forEach((source, index) => {
        const where = source.metadata.page != null ? `, page ${source.metadata.page}` : '';
        lines.push(`${index + 1}. **${source.metadata.filename}**${where} (Relevance: ${(source.score * 100).toFixed(2)}%)`);
      });
      lines.push('');
    }
    lines.push('---', '');
  }
  return lines.join('\n');
}

export function chatToJsonExport(chat: ChatRecord, messages: MessageRecord[]) {
  return {
    chat_id: chat.id,
    project_id: chat.projectId,
    title: chat.title,
    message_count: messages.length,
    created_at: chat.createdAt,
    updated_at: chat.updatedAt,
    messages: messages.map((message) => {
      // Every message of the tree (versions and branches), with where it sits and its feedback.
      const { id, role, content, sources, model_name, status, parent_id, active, feedback, created_at } = presentMessage(message);
      return { id, role, content, sources, model_name, status, parent_id, active, feedback, created_at };
    }),
  };
}
