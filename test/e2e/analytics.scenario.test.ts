import { describe, expect, it } from 'vitest';
import { DocumentStatusLog, joinProject, uploadDocuments } from '../support/documents.ts';
import { connect } from '../support/socket-client.ts';
import { screenshotThemes } from './support/browser.ts';
import { useWebScenario } from './support/scenario.ts';
import { uniqueName } from './support/web-server.ts';
import { WebUser } from './support/web-user.ts';

const TOPICS = [
  ['bees.txt', 'honeybees pollinate orchards in spring and the hive makes honey from nectar'],
  ['cheese.md', 'alpine cheese ripens in caves for months while the rind is washed with brine'],
  ['trains.txt', 'the express train leaves platform three and the regional line stops at every station'],
] as const;

/** Analytics end to end: the overview, a UMAP 3D map with hover, and the heatmap. */
describe('analytics in the browser', () => {
  const scenario = useWebScenario();

  it('opens the Analytics page, switches to UMAP 3D, hovers a point and opens the heatmap', async () => {
    const { server } = scenario;
    await server.embeddingBackfill.check();
    const { body: project } = await server.api('POST', '/api/projects', { name: uniqueName('Orchard') });
    await server.api('PUT', `/api/projects/${project.id}`, { settings: { chunk_size: 200, chunk_overlap: 0 } });
    const socket = await connect(server.url);
    const log = new DocumentStatusLog(socket);
    await joinProject(socket, project.id);
    const files = TOPICS.map(([filename, topic]) => ({
      filename,
      content: Array.from(
        { length: 12 },
        (_, index) =>
          `Note ${index}: ${topic
            .split(' ')
            .slice(index % 5)
            .join(' ')}.`,
      ).join('\n\n'),
    }));
    const upload = await uploadDocuments(server, project.id, files);
    await Promise.all(upload.body.uploaded.map((document: { id: number }) => log.until(document.id, undefined, 90_000)));
    socket.disconnect();

    // 1. From the project page to its Analytics page: the overview cards.
    const olive = await WebUser.open(scenario.browser, server.url, `/projects/${project.id}`);
    await olive.page.getByRole('link', { name: 'Analytics' }).click();
    await olive.page.getByRole('heading', { name: 'Analytics', level: 1 }).waitFor();
    await olive.page.getByText('nomic-embed-text').first().waitFor();
    expect(await olive.page.locator('.stat-card').count()).toBe(4);

    // 2. The PCA map draws first; then UMAP in 3D.
    await olive.page.getByTestId('embedding-map').waitFor();
    await olive.page.getByRole('radio', { name: 'UMAP' }).click();
    await olive.page.getByRole('radio', { name: '3D' }).click();
    await olive.page.getByRole('button', { name: 'Visualize' }).click();
    await olive.page.getByText(/UMAP 3D/).waitFor({ timeout: 60_000 });
    expect(await olive.page.locator('.map-legend li').allTextContents()).toEqual(TOPICS.map(([name]) => ` ${name}`).sort());

    // 3. Hover a point: its document, chunk and preview.
    await olive.page.locator('.map-point').first().hover();
    const tooltip = olive.page.getByTestId('map-tooltip');
    await tooltip.waitFor();
    expect(await tooltip.textContent()).toMatch(/(bees|cheese|trains)\.(txt|md)Chunk \d+/);

    // 3b. The 3D map turns with the arrow keys and the reset puts it back; a click opens the passage.
    const first = olive.page.locator('.map-point').first();
    const chunkId = await first.getAttribute('data-chunk-id');
    const point = olive.page.locator(`.map-point[data-chunk-id="${chunkId}"]`);
    const before = await point.getAttribute('cx');
    await olive.page.getByTestId('embedding-map').focus();
    for (let turn = 0; turn < 5; turn += 1) await olive.page.keyboard.press('ArrowRight');
    expect(await point.getAttribute('cx')).not.toBe(before);
    await olive.page.getByRole('button', { name: 'Reset view' }).click();
    expect(await point.getAttribute('cx')).toBe(before);
    await point.click();
    const passage = olive.page.getByRole('region', { name: 'Selected passage' });
    await passage.waitFor();
    expect(await passage.textContent()).toMatch(/(bees|cheese|trains)\.(txt|md) chunk \d+Note/);
    expect(await passage.getByRole('link', { name: 'Open document' }).getAttribute('href')).toMatch(/^\/api\/documents\/\d+\/download$/);

    // 4. The heatmap of the three documents.
    await olive.page.getByRole('button', { name: 'Generate heatmap' }).click();
    await olive.page.getByTestId('heatmap').waitFor();
    expect(await olive.page.locator('.heatmap-cell').count()).toBe(9);
    await olive.page.locator('.heatmap-cell').nth(1).hover();
    expect(await olive.page.locator('.heatmap-readout').textContent()).toMatch(/ × .*: 0\.\d{3}|: 1\.000/);
    // 5. A click on a cell compares the pair; in passage scope it shows both passages' text.
    await olive.page.locator('.heatmap-cell').nth(1).click();
    expect(await olive.page.getByTestId('heatmap-pair').locator('.passage-card').count()).toBe(2);
    await olive.page.getByRole('radio', { name: 'Passages' }).click();
    await olive.page.getByRole('button', { name: 'Generate heatmap' }).click();
    await olive.page.waitForFunction(() => document.querySelectorAll('.heatmap-cell').length > 9);
    await olive.page.locator('.heatmap-cell').nth(1).click();
    const pair = olive.page.getByTestId('heatmap-pair');
    await pair.waitFor();
    expect(await pair.locator('.chunk-text').allTextContents()).toEqual([
      expect.stringMatching(/^Note \d+/),
      expect.stringMatching(/^Note \d+/),
    ]);

    // 6. Coming back to the page shows the last map again from the cache (no recomputation).
    await olive.page.getByRole('link', { name: project.name }).first().click();
    await olive.page.getByRole('link', { name: 'Analytics' }).click();
    await olive.page.getByText(/UMAP 3D/).waitFor();
    expect(await olive.page.getByTestId('map-progress').count()).toBe(0);

    await olive.page.getByRole('heading', { name: 'Embedding map' }).scrollIntoViewIfNeeded();
    await screenshotThemes(olive.page, 'analytics');
    expect(scenario.browser.consoleErrors).toEqual([]);
  });
});
