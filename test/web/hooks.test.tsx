// @vitest-environment jsdom
import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProjectUpdateEvent } from '../../src/protocol/socket-events.ts';
import { useChatRoom } from '../../src/web/hooks/use-chat-room.ts';
import { useChatStream } from '../../src/web/hooks/use-chat-stream.ts';
import { useConnection } from '../../src/web/hooks/use-connection.ts';
import { useDocumentStatus } from '../../src/web/hooks/use-document-status.ts';
import { useProjectRoom } from '../../src/web/hooks/use-project-room.ts';
import { useProjectUpdates } from '../../src/web/hooks/use-project-updates.ts';
import { ConnectionProvider } from '../../src/web/lib/connection-context.tsx';
import { ConnectionManager } from '../../src/web/lib/socket.ts';
import { FIXTURE_TOKENS } from '../support/fake-ollama.ts';
import { ask, connect } from '../support/socket-client.ts';
import { createProjectAndChat, startTestServer, type TestServer } from '../support/test-server.ts';

/** The React hooks over a real ConnectionManager talking to the real server (jsdom's own origin allowed). */
describe('realtime hooks', () => {
  let server: TestServer;
  let manager: ConnectionManager;
  const wrapper = ({ children }: { children: ReactNode }) => <ConnectionProvider manager={manager}>{children}</ConnectionProvider>;

  beforeEach(async () => {
    server = await startTestServer({ CORS_ORIGINS: window.location.origin });
    manager = new ConnectionManager({
      url: server.url,
      reconnectionDelay: 50,
      reconnectionDelayMax: 200,
      socketOptions: { forceNew: true, transports: ['websocket'] },
    });
    await waitFor(() => expect(manager.status).toBe('connected'), { timeout: 10_000 });
  });

  afterEach(async () => {
    cleanup();
    manager.close();
    await server.close();
  });

  it('useConnection follows the status through a drop', async () => {
    // Every status the hook renders, so a quick reconnect cannot hide the `reconnecting` step.
    const seen: string[] = [];
    const { result } = renderHook(
      () => {
        const connection = useConnection();
        if (seen.at(-1) !== connection.status) seen.push(connection.status);
        return connection;
      },
      { wrapper },
    );
    expect(result.current).toMatchObject({ status: 'connected', isConnected: true, wasConnected: true });
    act(() => server.gateway.io.disconnectSockets(true));
    await waitFor(() => expect(seen).toContain('reconnecting'));
    await waitFor(() => expect(result.current.status).toBe('connected'), { timeout: 10_000 });
    expect(seen.slice(seen.indexOf('reconnecting'))).toEqual(['reconnecting', 'connected']);
  });

  it('useChatStream streams an answer: sending → waiting → streaming → finished, then tells the page', async () => {
    const { chatId } = await createProjectAndChat(server);
    const onSettled = vi.fn();
    const phases: string[] = [];
    server.ollama.queue({ tokens: FIXTURE_TOKENS, firstTokenDelayMs: 100, tokenDelayMs: 10 });
    const { result } = renderHook(
      () => {
        const stream = useChatStream(chatId, { onSettled });
        if (stream.answer && phases.at(-1) !== stream.answer.phase) phases.push(stream.answer.phase);
        return stream;
      },
      { wrapper },
    );

    act(() => {
      expect(result.current.send('What colour is the sky?')).toBe(true);
    });
    expect(result.current.isBusy).toBe(true);
    // A second question while the first is running is refused, not queued.
    act(() => {
      expect(result.current.send('Another one')).toBe(false);
    });
    await waitFor(() => expect(result.current.answer?.phase).toBe('finished'), { timeout: 10_000 });

    expect(result.current.answer).toMatchObject({
      question: 'What colour is the sky?',
      content: FIXTURE_TOKENS.join(''),
      finish: 'complete',
      model: 'llama3.2',
    });
    expect(result.current.answer?.userMessageId).toBeGreaterThan(0);
    expect(result.current.answer?.messageId).toBeGreaterThan(0);
    expect(phases).toEqual(['sending', 'waiting', 'streaming', 'finished']);
    expect(onSettled).toHaveBeenCalledOnce();
    expect(result.current.isBusy).toBe(false);
  });

  it('useChatStream stops an answer: the partial text is kept and marked stopped', async () => {
    const { chatId } = await createProjectAndChat(server);
    server.ollama.queue({ tokenCount: 500, tokenDelayMs: 10 });
    const { result } = renderHook(() => useChatStream(chatId), { wrapper });
    act(() => {
      result.current.send('Go on and on');
    });
    await waitFor(() => expect(result.current.answer?.content).toContain('t3 '), { timeout: 10_000 });
    act(() => result.current.stop());
    await waitFor(() => expect(result.current.answer?.phase).toBe('finished'), { timeout: 10_000 });
    expect(result.current.answer?.finish).toBe('stopped');
    const saved = await server.api('GET', `/api/chats/${chatId}`);
    expect(saved.body.messages.at(-1)).toMatchObject({ status: 'stopped', content: result.current.answer?.content });
  });

  it('useChatStream refuses to send while offline, keeping nothing half-sent', async () => {
    const { chatId } = await createProjectAndChat(server);
    const { result } = renderHook(() => useChatStream(chatId), { wrapper });
    manager.close();
    act(() => {
      expect(result.current.send('Offline question')).toBe(false);
    });
    expect(result.current.answer).toBeNull();
  });

  it('useProjectRoom joins, calls back after every (re)join so the page can reload, and leaves on unmount', async () => {
    const { projectId } = await createProjectAndChat(server);
    const onJoined = vi.fn();
    const { unmount } = renderHook(() => useProjectRoom(projectId, onJoined), { wrapper });
    await waitFor(() => expect(onJoined).toHaveBeenCalledTimes(1));
    act(() => server.gateway.io.disconnectSockets(true));
    await waitFor(() => expect(onJoined).toHaveBeenCalledTimes(2), { timeout: 10_000 });
    expect(server.gateway.connections.snapshot()[0]?.project_id).toBe(projectId);

    const left = new Promise((resolve) => manager.socket.once('project_left', resolve));
    unmount();
    await left;
    expect(server.gateway.connections.snapshot()[0]?.project_id).toBeNull();
  });

  it("useChatRoom keeps the tab in the chat's room across a reconnect: another tab's question reaches it", async () => {
    const { projectId, chatId } = await createProjectAndChat(server);
    const onJoined = vi.fn();
    const received: ProjectUpdateEvent[] = [];
    const { unmount } = renderHook(
      () => {
        useChatRoom(chatId, onJoined);
        useProjectUpdates(projectId, (event) => received.push(event));
      },
      { wrapper },
    );
    await waitFor(() => expect(onJoined).toHaveBeenCalledTimes(1));
    act(() => server.gateway.io.disconnectSockets(true));
    await waitFor(() => expect(onJoined).toHaveBeenCalledTimes(2), { timeout: 10_000 });
    expect(server.gateway.connections.snapshot()[0]?.chat_id).toBe(chatId);

    const otherTab = await connect(server.url, { extraHeaders: { origin: window.location.origin } });
    await ask(otherTab, { chat_id: chatId, message: 'From the other tab' });
    await waitFor(() => expect(received.filter((event) => event.type === 'message_added')).toHaveLength(2));
    otherTab.disconnect();

    const left = new Promise((resolve) => manager.socket.once('chat_left', resolve));
    unmount();
    await left;
    expect(server.gateway.connections.snapshot().find((connection) => connection.sid === manager.socket.id)?.chat_id).toBeNull();
  });

  it('useProjectUpdates delivers this project’s updates only, and removes its listener on unmount', async () => {
    const first = await createProjectAndChat(server);
    const second = await createProjectAndChat(server);
    const before = manager.socket.listeners('project_update').length;
    const received: ProjectUpdateEvent[] = [];
    const { unmount } = renderHook(
      () => {
        useProjectRoom(first.projectId);
        useProjectUpdates(first.projectId, (event) => received.push(event));
      },
      { wrapper },
    );
    await waitFor(() => expect(server.gateway.connections.snapshot()[0]?.project_id).toBe(first.projectId));
    expect(manager.socket.listeners('project_update').length).toBe(before + 1);

    // An update of another project, broadcast to this socket, is ignored.
    server.gateway.broadcaster.notifyProjectUpdate(first.projectId, 'chat_updated', {
      project_id: second.projectId,
      chat_id: second.chatId,
    });
    await server.api('PUT', `/api/chats/${first.chatId}`, { title: 'Renamed here' });
    await waitFor(() => expect(received).toHaveLength(1));
    expect(received[0]).toMatchObject({
      type: 'chats_updated',
      data: { project_id: first.projectId, chats: [{ chat_id: first.chatId, title: 'Renamed here' }] },
    });

    unmount();
    expect(manager.socket.listeners('project_update').length).toBe(before);
  });

  it('useDocumentStatus keeps the latest status of each document and calls back on each event', async () => {
    const { projectId } = await createProjectAndChat(server);
    const onChange = vi.fn();
    const { result, unmount } = renderHook(
      () => {
        useProjectRoom(projectId);
        return useDocumentStatus(projectId, onChange);
      },
      { wrapper },
    );
    await waitFor(() => expect(server.gateway.connections.snapshot()[0]?.project_id).toBe(projectId));

    const status = {
      type: 'documentProgress' as const,
      documentId: 41,
      projectId,
      status: 'processing' as const,
      stage: 'parsing' as const,
      progress: 30,
      error: null,
      pagesDone: 3,
      pagesTotal: 10,
    };
    server.events.publish(status);
    server.events.publish({ ...status, documentId: 42, progress: 5 });
    server.events.publish({ ...status, status: 'completed', stage: 'completed', progress: 100 });
    await waitFor(() => expect(onChange).toHaveBeenCalledTimes(3));
    expect(result.current.get(41)).toMatchObject({ status: 'completed', progress: 100 });
    expect(result.current.get(42)).toMatchObject({ status: 'processing', progress: 5 });

    const listeners = manager.socket.listeners('document_status').length;
    unmount();
    expect(manager.socket.listeners('document_status').length).toBe(listeners - 1);
  });
});
