import type { Locator, Page } from 'playwright-core';
import type { Browser } from './browser.ts';

type Status = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

/**
 * A person using the app in one browser tab. Methods read like what they do on screen; every wait
 * is on something visible (no sleeps).
 */
export class WebUser {
  readonly projects: ProjectsScreen;
  readonly project: ProjectScreen;
  readonly chat: ChatScreen;

  constructor(
    readonly page: Page,
    readonly baseUrl: string,
  ) {
    this.projects = new ProjectsScreen(page);
    this.project = new ProjectScreen(page);
    this.chat = new ChatScreen(page);
  }

  static async open(browser: Browser, baseUrl: string, path = '/'): Promise<WebUser> {
    const page = await browser.newPage();
    const user = new WebUser(page, baseUrl);
    await user.goto(path);
    return user;
  }

  async goto(path: string): Promise<void> {
    await this.page.goto(new URL(path, this.baseUrl).toString());
  }

  get connectionIndicator(): Locator {
    return this.page.locator('.connection-pill');
  }

  async waitForConnection(status: Status, timeout = 20_000): Promise<void> {
    await this.page.locator(`.connection-pill[data-status="${status}"]`).waitFor({ timeout });
  }

  /** Records every status the indicator shows, from now on (read back with `statusHistory`). */
  async recordConnectionStatuses(): Promise<void> {
    await this.page.evaluate(() => {
      const pill = document.querySelector('.connection-pill');
      const seen: string[] = [pill?.getAttribute('data-status') ?? 'none'];
      (window as unknown as { __statuses: string[] }).__statuses = seen;
      new MutationObserver(() => {
        const status = document.querySelector('.connection-pill')?.getAttribute('data-status') ?? 'none';
        if (seen.at(-1) !== status) seen.push(status);
      }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-status'], childList: true });
    });
  }

  async statusHistory(): Promise<string[]> {
    return this.page.evaluate(() => (window as unknown as { __statuses: string[] }).__statuses);
  }
}

export class ProjectsScreen {
  constructor(private readonly page: Page) {}

  /** Creates a project through the dialog and lands on its page. */
  async create(name: string, description?: string): Promise<void> {
    await this.page
      .getByRole('button', { name: /new project|create your first project/i })
      .first()
      .click();
    const dialog = this.page.getByRole('dialog', { name: 'New project' });
    await dialog.getByLabel('Name').fill(name);
    if (description) await dialog.getByLabel(/Description/).fill(description);
    await dialog.getByRole('button', { name: 'Create project' }).click();
    await this.page.getByRole('heading', { level: 1, name }).waitFor();
  }

  card(name: string): Locator {
    return this.page.locator('.project-card').filter({ has: this.page.getByRole('heading', { name }) });
  }
}

export class ProjectScreen {
  constructor(private readonly page: Page) {}

  /** Starts a chat from the project page with a first question; lands on the chat. */
  async startChat(question: string): Promise<void> {
    await this.page.getByLabel('Start a new chat with a question').fill(question);
    await this.page.getByRole('button', { name: 'Ask' }).click();
    await this.page.locator('.chat-layout').waitFor();
  }

  chatItem(title: string): Locator {
    return this.page.locator('.chat-item').filter({ has: this.page.locator('.chat-item-title', { hasText: title }) });
  }

  async waitForChat(title: string, state: 'visible' | 'detached' = 'visible'): Promise<void> {
    await this.chatItem(title).first().waitFor({ state, timeout: 15_000 });
  }

  async renameChat(title: string, newTitle: string): Promise<void> {
    await this.chatItem(title)
      .getByRole('button', { name: `Rename ${title}` })
      .click();
    const dialog = this.page.getByRole('dialog', { name: 'Rename chat' });
    await dialog.getByLabel('Title').fill(newTitle);
    await dialog.getByRole('button', { name: 'Rename' }).click();
    await dialog.waitFor({ state: 'detached' });
  }

  async deleteChat(title: string): Promise<void> {
    await this.chatItem(title)
      .getByRole('button', { name: `Delete ${title}` })
      .click();
    const dialog = this.page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Delete chat' }).click();
    await dialog.waitFor({ state: 'detached' });
  }

  async upload(files: Array<{ name: string; mimeType: string; buffer: Buffer }>): Promise<void> {
    await this.page.getByLabel('Choose files to upload').setInputFiles(files);
  }

  /** Drags files from "the desktop" onto the drop zone (a real drop event with a DataTransfer). */
  async dropFiles(files: Array<{ name: string; mimeType: string; buffer: Buffer }>): Promise<void> {
    const dataTransfer = await this.page.evaluateHandle(
      (items) => {
        const transfer = new DataTransfer();
        for (const item of items) {
          const bytes = Uint8Array.from(atob(item.base64), (char) => char.charCodeAt(0));
          transfer.items.add(new File([bytes], item.name, { type: item.mimeType }));
        }
        return transfer;
      },
      files.map((file) => ({ name: file.name, mimeType: file.mimeType, base64: file.buffer.toString('base64') })),
    );
    const zone = this.page.getByTestId('dropzone');
    await zone.dispatchEvent('dragover', { dataTransfer });
    await zone.dispatchEvent('drop', { dataTransfer });
  }

  document(filename: string): Locator {
    return this.page.locator('.document-item').filter({ has: this.page.locator('.document-name', { hasText: filename }) });
  }

  async waitForDocumentStatus(filename: string, status: string, timeout = 60_000): Promise<void> {
    await this.page
      .locator(`.document-item[data-status="${status}"]`)
      .filter({ has: this.page.locator('.document-name', { hasText: filename }) })
      .waitFor({ timeout });
  }
}

export class ChatScreen {
  constructor(private readonly page: Page) {}

  get input(): Locator {
    return this.page.getByLabel('Your question');
  }

  get sendButton(): Locator {
    return this.page.getByRole('button', { name: 'Send' });
  }

  get stopButton(): Locator {
    return this.page.getByRole('button', { name: 'Stop the answer' });
  }

  answers(): Locator {
    return this.page.locator('article.message-assistant');
  }

  lastAnswer(): Locator {
    return this.answers().last();
  }

  /** Types a question and presses Enter. */
  async ask(question: string): Promise<void> {
    await this.input.fill(question);
    await this.input.press('Enter');
  }

  /** Waits until the last answer shows `status` (complete, stopped, …). */
  async waitForAnswer(status: string, timeout = 30_000): Promise<void> {
    await this.page.locator(`article.message-assistant[data-status="${status}"]`).last().waitFor({ timeout });
  }

  /** Waits until the last answer's text contains `text` (while streaming). */
  async waitForAnswerText(text: string, timeout = 30_000): Promise<void> {
    await this.page.waitForFunction(
      (expected) => {
        const answers = document.querySelectorAll('article.message-assistant .markdown');
        return answers[answers.length - 1]?.textContent?.includes(expected) ?? false;
      },
      text,
      { timeout },
    );
  }

  async lastAnswerText(): Promise<string> {
    return (await this.lastAnswer().locator('.markdown').textContent()) ?? '';
  }
}
