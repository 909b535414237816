import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccessPolicy } from '../../../src/server/access/access-policy.ts';
import { LOCAL_ACTOR, type Actor } from '../../../src/server/access/actor.ts';
import { NotFoundError } from '../../../src/server/errors.ts';
import { createSqliteStore } from '../../../src/server/store/sqlite/sqlite-store.ts';
import type { Store } from '../../../src/server/store/store.ts';

describe('AccessPolicy', () => {
  let dataDir: string;
  let store: Store;
  let access: AccessPolicy;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'daa-access-'));
    store = createSqliteStore({ filePath: path.join(dataDir, 'daa.sqlite') });
    access = new AccessPolicy({ store });
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives the local actor the project and chat, and soft-deleted projects only when asked', async () => {
    const project = await store.projects.create({ name: 'Mine', description: null, settings: {} });
    const chat = await store.chats.create({ projectId: project.id, title: 'New Chat', titleIsCustom: false });
    expect((await access.requireProject(LOCAL_ACTOR, project.id, 'owner')).id).toBe(project.id);
    expect((await access.requireChat(LOCAL_ACTOR, chat.id, 'write')).id).toBe(chat.id);
    await store.projects.softDelete(project.id);
    await expect(access.requireProject(LOCAL_ACTOR, project.id, 'read')).rejects.toThrow(`Project ${project.id} not found`);
    expect((await access.requireProject(LOCAL_ACTOR, project.id, 'owner', { includeDeleted: true })).id).toBe(project.id);
  });

  it('answers a denied id exactly like a missing one, so ids cannot be probed', async () => {
    const project = await store.projects.create({ name: 'Theirs', description: null, settings: {} });
    const chat = await store.chats.create({ projectId: project.id, title: 'New Chat', titleIsCustom: false });
    const stranger: Actor = { kind: 'user', userId: 7, role: 'user' };
    const denied = await access.requireProject(stranger, project.id, 'read').catch((error: unknown) => error);
    const missing = await access.requireProject(stranger, project.id + 100, 'read').catch((error: unknown) => error);
    expect(denied).toBeInstanceOf(NotFoundError);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((denied as Error).message).toBe(`Project ${project.id} not found`);
    expect((missing as Error).message).toBe(`Project ${project.id + 100} not found`);
    await expect(access.requireChat(stranger, chat.id, 'read')).rejects.toThrow(`Chat ${chat.id} not found`);
  });
});
