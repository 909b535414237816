import { JoinChatPayload, LeaveChatPayload } from '../../../protocol/socket-events.ts';
import type { ChatRecord } from '../../store/store.ts';
import { chatRoom } from '../broadcast.ts';
import type { HandlerContext } from '../handler-context.ts';
import { parsePayload } from '../payload.ts';
import { inArrivalOrder } from './room-order.ts';

/**
 * The chat a connection shows (the seed's `chat_id`, "last active chat"): its room hears that chat's
 * own events. One per connection, like the project room; showing another leaves the previous one.
 * Called once access to the chat was checked.
 */
export function showChat(context: HandlerContext, chat: Pick<ChatRecord, 'id' | 'projectId'>): Promise<void> {
  return inArrivalOrder(context.connection, async () => {
    const { socket, connection } = context;
    if (!socket.connected) return;
    const room = chatRoom(chat.projectId, chat.id);
    if (connection.chatRoom !== null && connection.chatRoom !== room) await socket.leave(connection.chatRoom);
    await socket.join(room);
    connection.chatRoom = room;
    connection.metadata.chat_id = chat.id;
    socket.data.chat_id = chat.id;
  });
}

/** **ext** `join_chat`: shows a chat the actor may read. */
export async function joinChat(context: HandlerContext, raw: unknown): Promise<void> {
  const { chat_id: chatId } = parsePayload('join_chat', JoinChatPayload, raw);
  const chat = await context.access.requireChat(context.actor, chatId, 'read');
  await showChat(context, chat);
  if (context.socket.connected) context.socket.emit('chat_joined', { chat_id: chatId, status: 'success' });
}

/** **ext** `leave_chat`: leaves the chat's room if it is the one shown (idempotent). */
export function leaveChat(context: HandlerContext, raw: unknown): Promise<void> {
  const { chat_id: chatId } = parsePayload('leave_chat', LeaveChatPayload, raw);
  return inArrivalOrder(context.connection, async () => {
    const { socket, connection } = context;
    if (connection.metadata.chat_id === chatId && connection.chatRoom !== null) {
      await socket.leave(connection.chatRoom);
      connection.chatRoom = null;
      connection.metadata.chat_id = null;
      socket.data.chat_id = null;
    }
    socket.emit('chat_left', { chat_id: chatId, status: 'success' });
  });
}
