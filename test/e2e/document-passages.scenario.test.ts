import { describe, expect, it } from 'vitest';
import { uploadDocument } from '../support/documents.ts';
import { screenshotThemes } from './support/browser.ts';
import { useWebScenario } from './support/scenario.ts';
import { uniqueName } from './support/web-server.ts';
import { WebUser } from './support/web-user.ts';

/**
 * A document's passages, and processing a document again, as a user sees them: the passages of a
 * spreadsheet with their sheet and rows, a page at a time; "Process again" shows its live progress
 * until the document is ready again.
 */
describe('document passages and processing again', () => {
  const scenario = useWebScenario();

  async function readyProject(files: Array<{ filename: string; content: string }>) {
    const { body: project } = await scenario.server.api('POST', '/api/projects', { name: uniqueName('Passages') });
    for (const file of files) expect((await uploadDocument(scenario.server, project.id, file)).status).toBe(201);
    const gina = await WebUser.open(scenario.browser, scenario.server.url, `/projects/${project.id}`);
    await gina.waitForConnection('connected');
    for (const file of files) await gina.project.waitForDocumentStatus(file.filename, 'completed');
    return { project, gina };
  }

  it('shows a spreadsheet’s passages with sheet and rows, a page at a time, from the list and from the preview', async () => {
    const lines = ['island,ferry,minutes'];
    for (let row = 1; row <= 600; row += 1) lines.push(`Island number ${row},The ferry called Nautilus ${row},${row}`);
    const { gina } = await readyProject([
      { filename: 'timetable.csv', content: lines.join('\n') },
      { filename: 'guide.md', content: '# Harbour\n\nBoats leave at dawn.\n\n## Tickets\n\nTickets are sold on board.' },
    ]);

    // 1. From the list: the first page of passages, each with where it sits in the sheet.
    await gina.project.document('timetable.csv').getByRole('button', { name: 'Passages of timetable.csv' }).click();
    const dialog = gina.page.getByRole('dialog', { name: 'Passages of timetable.csv' });
    const status = dialog.getByRole('status');
    await status.filter({ hasText: /^Passages 1–20 of \d+$/ }).waitFor();
    const total = Number(/of (\d+)/.exec((await status.textContent()) ?? '')?.[1]);
    expect(total).toBeGreaterThan(20);
    const list = dialog.getByRole('list', { name: 'Passages of timetable.csv' });
    expect(await list.getByRole('listitem').count()).toBe(20);
    const first = (await list.getByRole('listitem').first().locator('.passage-position').textContent()) ?? '';
    expect(first).toMatch(/^Passage 1 · Sheet timetable\.csv · rows 2–\d+/);
    expect(await list.getByRole('listitem').first().locator('.passage-text').textContent()).toContain(
      'Island number 1 | The ferry called Nautilus 1 | 1',
    );
    await screenshotThemes(gina.page, 'document-passages');

    // 2. Next page: passages 21–40, numbered on from the first page; Previous goes back.
    await dialog.getByRole('button', { name: 'Next' }).click();
    await status.filter({ hasText: `Passages 21–${Math.min(40, total)} of ${total}` }).waitFor();
    expect(await list.getAttribute('start')).toBe('21');
    expect(await list.getByRole('listitem').first().locator('.passage-position').textContent()).toMatch(/^Passage 21 · Sheet/);
    await dialog.getByRole('button', { name: 'Previous' }).click();
    await status.filter({ hasText: `Passages 1–20 of ${total}` }).waitFor();
    await gina.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // 3. From a Markdown preview: its passages name their section by its heading path.
    await gina.project.document('guide.md').getByRole('button', { name: 'Preview guide.md' }).click();
    const preview = gina.page.getByRole('dialog', { name: 'guide.md' });
    await preview.getByRole('button', { name: 'Passages' }).click();
    const guide = gina.page.getByRole('dialog', { name: 'Passages of guide.md' });
    await guide.getByRole('listitem').first().waitFor();
    const positions = await guide.locator('.passage-position').allTextContents();
    expect(positions.join('\n')).toContain('Section “Harbour”');
    expect(positions.join('\n')).toContain('Section “Harbour › Tickets”');
  });

  it('“Process again” shows live progress in the row, then the document is ready again', async () => {
    const { project, gina } = await readyProject([
      { filename: 'notes.txt', content: 'The lighthouse keeper logs weather, tides and passing ships.' },
    ]);
    const row = gina.project.document('notes.txt');
    // Embedding takes a while now: the progress is on screen long enough to be seen (the row says
    // "Splitting into passages" until the first batch of vectors is back).
    scenario.server.ollama.embedDelayMs = 1_500;
    try {
      // 1. Record every status the row shows from now on.
      await gina.page.evaluate(() => {
        const seen: string[] = [];
        (window as unknown as { __rowStatuses: string[] }).__rowStatuses = seen;
        const read = () => {
          const item = [...document.querySelectorAll('.document-item')].find((node) =>
            node.querySelector('.document-name')?.textContent?.includes('notes.txt'),
          );
          const status = item?.getAttribute('data-status') ?? 'none';
          if (seen.at(-1) !== status) seen.push(status);
        };
        read();
        new MutationObserver(read).observe(document.body, { subtree: true, childList: true, attributes: true });
      });

      // 2. Process again: the row shows a progress bar with what is being done, from the socket's events.
      await row.getByRole('button', { name: 'Process notes.txt again' }).click();
      const progress = row.getByRole('progressbar', { name: 'Processing notes.txt' });
      await progress.waitFor();
      await row.locator('.document-progress', { hasText: /Splitting into passages|Embedding passages/ }).waitFor({ timeout: 15_000 });
      expect(Number(await progress.getAttribute('aria-valuenow'))).toBeGreaterThan(0);

      // 3. Ready again, without a reload; the row went from Ready through processing back to Ready.
      await gina.project.waitForDocumentStatus('notes.txt', 'completed', 30_000);
      await progress.waitFor({ state: 'detached' });
      expect(await row.locator('.badge').textContent()).toBe('Ready');
      const seen = await gina.page.evaluate(() => (window as unknown as { __rowStatuses: string[] }).__rowStatuses);
      expect(seen[0]).toBe('completed');
      expect(seen.at(-1)).toBe('completed');
      expect(seen.slice(1, -1)).toContain('processing');
      const embeds = scenario.server.ollama.requests.filter((request) => request.path === '/api/embed');
      expect(embeds.length).toBeGreaterThan(0);
    } finally {
      scenario.server.ollama.embedDelayMs = 0;
    }
    expect((await scenario.server.api('GET', `/api/projects/${project.id}/documents`)).body[0].status).toBe('completed');
  });
});
