import { describe, expect, it } from 'vitest';
import { screenshotThemes } from './support/browser.ts';
import { simplePdf, simpleXlsx } from './support/files.ts';
import { useWebScenario } from './support/scenario.ts';
import { uniqueName } from './support/web-server.ts';
import { WebUser } from './support/web-user.ts';

/**
 * Documents end to end: upload a PDF and a spreadsheet, watch them reach "Ready" live, ask a question
 * and open the cited passage.
 */
describe('documents in the browser', () => {
  const scenario = useWebScenario();

  it('uploads a PDF and a spreadsheet, shows them processed, and answers with sources that open at the page', async () => {
    const { body: project } = await scenario.server.api('POST', '/api/projects', { name: uniqueName('Policies') });

    const pdf = simplePdf([
      'Employee handbook. Chapter one covers working hours and holidays.',
      'Refund policy: customers may return any product within 30 days of delivery for a full refund.',
    ]);
    const xlsx = await simpleXlsx([
      {
        name: 'Prices',
        rows: [
          ['Product', 'Price', 'Currency'],
          ['Kettle', 39, 'EUR'],
          ['Toaster', 25, 'EUR'],
        ],
      },
    ]);

    const erin = await WebUser.open(scenario.browser, scenario.server.url, `/projects/${project.id}`);
    await erin.waitForConnection('connected');
    await erin.page.getByText('No documents yet').waitFor();

    // 1. Both files dropped at once; each reaches "Ready" through live document_status events.
    await erin.project.dropFiles([
      { name: 'handbook.pdf', mimeType: 'application/pdf', buffer: pdf },
      { name: 'prices.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: xlsx },
    ]);
    await erin.project.waitForDocumentStatus('handbook.pdf', 'completed');
    await erin.project.waitForDocumentStatus('prices.xlsx', 'completed');
    expect(await erin.project.document('handbook.pdf').locator('.document-detail').textContent()).toContain('2 pages');
    expect(await erin.page.locator('.upload-item').count()).toBe(0);
    await screenshotThemes(erin.page, 'project-documents');

    // On a phone-sized screen the page fits its width: long rows shrink, nothing scrolls sideways.
    await erin.page.setViewportSize({ width: 390, height: 844 });
    expect(await erin.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshotThemes(erin.page, 'project-documents-narrow');
    await erin.page.setViewportSize({ width: 1280, height: 820 });

    // 2. Preview: the PDF opens in the browser's viewer (an iframe on the download URL).
    await erin.project.document('handbook.pdf').getByRole('button', { name: 'Preview handbook.pdf' }).click();
    const preview = erin.page.getByRole('dialog', { name: 'handbook.pdf' });
    expect(await preview.locator('iframe').getAttribute('src')).toMatch(/^\/api\/documents\/\d+\/download$/);
    await preview.getByRole('button', { name: 'Close' }).click();

    // 3. A question: the answer cites [1]; the source is the PDF at its page, and opens there.
    scenario.server.ollama.queue({ tokens: ['Returns are accepted ', 'within 30 days ', '[1].'], tokenDelayMs: 20 });
    await erin.project.startChat('What is the refund policy?');
    await erin.chat.waitForAnswer('complete');
    const panel = erin.page.getByRole('complementary', { name: 'Sources' });
    await panel.locator('.source-file', { hasText: 'handbook.pdf' }).first().waitFor();
    const meta = (await panel.locator('.source-meta').first().textContent()) ?? '';
    // The refund text is on the PDF's second page, and chunks never cross pages.
    const page = /page (\d+)/.exec(meta)?.[1];
    expect(page, `source position: ${meta}`).toBe('2');

    await erin.chat.lastAnswer().getByRole('button', { name: 'Open source 1' }).click();
    const source = erin.page.getByRole('dialog', { name: /Source 1: handbook\.pdf/ });
    expect(await source.locator('.source-passage').textContent()).toContain('Refund policy');
    const open = source.getByRole('link', { name: `Open the PDF at page ${page}` });
    expect(await open.getAttribute('href')).toMatch(new RegExp(`^/api/documents/\\d+/download#page=${page}$`));
    await screenshotThemes(erin.page, 'chat-source');
    await source.getByRole('button', { name: 'Close' }).click();

    // 4. Another tab sees a document deleted here disappear.
    const frank = await WebUser.open(scenario.browser, scenario.server.url, `/projects/${project.id}`);
    await frank.project.waitForDocumentStatus('prices.xlsx', 'completed');
    await erin.goto(`/projects/${project.id}`);
    await erin.project.document('prices.xlsx').getByRole('button', { name: 'Delete prices.xlsx' }).click();
    await erin.page.getByRole('dialog').getByRole('button', { name: 'Delete document' }).click();
    await frank.project.document('prices.xlsx').waitFor({ state: 'detached', timeout: 15_000 });
  });
});
