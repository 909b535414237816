import { useEffect, useRef } from 'react';
import { useConnectionManager } from '../lib/connection-context.tsx';

/**
 * Keeps this tab in the chat's room while the component is mounted (rejoined after reconnects): the
 * chat's own `project_update`s (`message_added`, `chat_updated`, `chat_deleted`) go only there.
 * `onJoined` runs after every (re)join, to reload what was missed meanwhile.
 */
export function useChatRoom(chatId: number | null | undefined, onJoined?: () => void): void {
  const manager = useConnectionManager();
  const callback = useRef(onJoined);
  callback.current = onJoined;
  useEffect(() => {
    if (!chatId) return;
    const stopListening = manager.on('chat_joined', (event) => {
      if (Number(event.chat_id) === chatId) callback.current?.();
    });
    const release = manager.showChat(chatId);
    return () => {
      stopListening();
      release();
    };
  }, [manager, chatId]);
}
