import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DocumentStatusLog, joinProject, uploadDocuments } from '../support/documents.ts';
import { connect } from '../support/socket-client.ts';
import { DOCUMENT_PALETTE } from '../../src/web/components/analytics/document-colors.ts';
import { screenshotThemes } from './support/browser.ts';
import { useWebScenario } from './support/scenario.ts';
import { uniqueName } from './support/web-server.ts';
import { WebUser } from './support/web-user.ts';

const TOPICS = [
  ['bees.txt', 'honeybees pollinate orchards in spring and the hive makes honey from nectar'],
  ['cheese.md', 'alpine cheese ripens in caves for months while the rind is washed with brine'],
  ['trains.txt', 'the express train leaves platform three and the regional line stops at every station'],
] as const;

/** The chart library's chunks (ECharts, and echarts-gl for 3D) among the requests a page made. */
const CHART_CHUNK = /\/assets\/(echarts(?:-gl)?)-[\w-]+\.js$/;
const isChartChunk = (url: string) => CHART_CHUNK.test(url);
const chunkName = (url: string) => CHART_CHUNK.exec(url)![1];

/**
 * ECharts draws on a canvas, so a point is found as a person finds one: by its colour on screen.
 * The chart's screenshot is decoded in the page; pixels of a document's colour whose neighbours
 * have it too are a point's inside. The mouse goes there until the tooltip shows; returns where.
 */
async function hoverAPoint(page: Page, chart: Locator, tooltip: Locator): Promise<{ x: number; y: number }> {
  // Once drawn (the points grow in); the screenshot scrolls the chart into view, so its box is read after.
  const png = (await settledShot(chart)).toString('base64');
  const box = (await chart.boundingBox())!;
  const insides = await page.evaluate(
    async ({ png, colors }) => {
      const bytes = Uint8Array.from(atob(png), (char) => char.charCodeAt(0));
      const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
      const context = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
      context.drawImage(bitmap, 0, 0);
      const { data, width, height } = context.getImageData(0, 0, bitmap.width, bitmap.height);
      const targets = colors.map((hex) => [1, 3, 5].map((at) => Number.parseInt(hex.slice(at, at + 2), 16)));
      const matches = (x: number, y: number) => {
        const at = (y * width + x) * 4;
        return targets.some((rgb) => rgb.every((value, channel) => Math.abs(value - data[at + channel]!) < 30));
      };
      const found: Array<{ x: number; y: number }> = [];
      for (let y = 3; y < height - 3; y += 2)
        for (let x = 3; x < width - 3; x += 2)
          if (matches(x, y) && matches(x - 2, y) && matches(x + 2, y) && matches(x, y - 2) && matches(x, y + 2)) found.push({ x, y });
      return found;
    },
    { png, colors: DOCUMENT_PALETTE.slice(0, TOPICS.length) },
  );
  // One spot per point is enough: skip spots close to one already tried.
  const tried: Array<{ x: number; y: number }> = [];
  for (const inside of insides) {
    if (tried.some((spot) => Math.hypot(spot.x - inside.x, spot.y - inside.y) < 8)) continue;
    tried.push(inside);
    const spot = { x: box.x + inside.x, y: box.y + inside.y };
    await page.mouse.move(spot.x, spot.y);
    if (
      await tooltip.waitFor({ timeout: 1_500 }).then(
        () => true,
        () => false,
      )
    )
      return spot;
  }
  throw new Error(`no point of the chart showed a tooltip (${tried.length} tried)`);
}

/** The centre of a heatmap cell on screen (the grid's margins are the heatmap option's). */
async function heatmapCell(heatmap: Locator, count: number, cell: { row: number; column: number }): Promise<[number, number]> {
  await heatmap.scrollIntoViewIfNeeded();
  const box = (await heatmap.boundingBox())!;
  const grid = { left: 120, right: 16, top: 8, bottom: 96 };
  const width = (box.width - grid.left - grid.right) / count;
  const height = (box.height - grid.top - grid.bottom) / count;
  return [box.x + grid.left + (cell.column + 0.5) * width, box.y + grid.top + (cell.row + 0.5) * height];
}

/** A screenshot of the chart once two in a row agree (WebGL draws over a few frames). */
async function settledShot(chart: Locator): Promise<Buffer> {
  let previous = await chart.screenshot();
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const next = await chart.screenshot();
    if (next.equals(previous)) return next;
    previous = next;
  }
  return previous;
}

/** Analytics end to end: no chart library on a chat page; the overview, a UMAP 3D map with hover, and the heatmap. */
describe('analytics in the browser', () => {
  const scenario = useWebScenario();

  it('loads the charts only on the Analytics page, hovers a UMAP 3D point and a heatmap cell, and opens both passages', {
    timeout: 150_000,
  }, async () => {
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

    // 1. A chat page loads no chart library; every request stays on the server (no CDN).
    const { body: chat } = await server.api('POST', '/api/chats', { project_id: project.id });
    const olive = await WebUser.open(scenario.browser, server.url, `/chats/${chat.id}`);
    const requests: string[] = [];
    olive.page.on('request', (request) => requests.push(request.url()));
    await olive.page.reload();
    await olive.page.locator('.chat-layout').waitFor();
    await olive.page.waitForLoadState('load');
    expect(requests.filter(isChartChunk)).toEqual([]);

    // 2. From the project page to its Analytics page: the overview cards.
    await olive.goto(`/projects/${project.id}`);
    await olive.page.getByRole('link', { name: 'Analytics' }).click();
    await olive.page.getByRole('heading', { name: 'Analytics', level: 1 }).waitFor();
    await olive.page.getByText('nomic-embed-text').first().waitFor();
    expect(await olive.page.locator('.stat-card').count()).toBe(4);

    // 3. The PCA map draws first (the chart library arrives now, the 3D part not yet); then UMAP in 3D.
    const map = olive.page.getByTestId('embedding-map');
    await olive.page.locator('[data-testid="embedding-map"][data-state="ready"]').waitFor();
    expect(await map.getAttribute('aria-label')).toMatch(/^2D map of \d+ passages, coloured by document$/);
    expect(requests.filter(isChartChunk).map(chunkName)).toEqual(['echarts']);
    const tooltip = map.locator('.chart-tooltip');
    await hoverAPoint(olive.page, map, tooltip);
    expect(await tooltip.textContent()).toMatch(/(bees|cheese|trains)\.(txt|md)Chunk \d+Note/);
    // The textual alternative: every point in a table.
    const mapped = Number(/of (\d+) passages/.exec((await map.getAttribute('aria-label'))!)![1]);
    await olive.page.getByText('The points as a table').click();
    await olive.page.locator('.chart-table tbody tr').first().waitFor();
    expect(await olive.page.locator('.chart-table tbody tr').count()).toBe(mapped);
    await olive.page.getByRole('radio', { name: 'UMAP' }).click();
    await olive.page.getByRole('radio', { name: '3D' }).click();
    await olive.page.getByRole('button', { name: 'Visualize' }).click();
    await olive.page.getByText(/UMAP 3D/).waitFor({ timeout: 60_000 });
    await olive.page.locator('[data-testid="embedding-map"][data-state="ready"]').waitFor();
    expect(requests.filter(isChartChunk).map(chunkName)).toEqual(['echarts', 'echarts-gl']);
    expect(requests.filter((url) => !url.startsWith(server.url) && !/^(data|blob):/.test(url))).toEqual([]);
    expect(await olive.page.locator('.map-legend li').allTextContents()).toEqual(TOPICS.map(([name]) => ` ${name}`).sort());

    // 4. Hover a point (found by moving the mouse over the canvas): its document, chunk and preview.
    const spot = await hoverAPoint(olive.page, map, tooltip);
    expect(await tooltip.textContent()).toMatch(/(bees|cheese|trains)\.(txt|md)Chunk \d+Note/);

    // 4b. A click opens the passage; the 3D map turns with a drag and "Reset view" puts it back.
    await olive.page.mouse.click(spot.x, spot.y);
    const passage = olive.page.getByRole('region', { name: 'Selected passage' });
    await passage.waitFor();
    expect(await passage.textContent()).toMatch(/(bees|cheese|trains)\.(txt|md) chunk \d+Note/);
    expect(await passage.getByRole('link', { name: 'Open document' }).getAttribute('href')).toMatch(/^\/api\/documents\/\d+\/download$/);
    // (The reset also clears the hovered point's highlight, so the pictures compare the camera alone.)
    await olive.page.getByRole('button', { name: 'Reset view' }).click();
    await olive.page.mouse.move(1, 1);
    await tooltip.waitFor({ state: 'hidden' });
    const before = await settledShot(map);
    const box = (await map.boundingBox())!;
    await olive.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await olive.page.mouse.down();
    await olive.page.mouse.move(box.x + box.width / 2 + 120, box.y + box.height / 2 + 30, { steps: 8 });
    await olive.page.mouse.up();
    await olive.page.mouse.move(1, 1);
    expect((await settledShot(map)).equals(before)).toBe(false);
    await olive.page.getByRole('button', { name: 'Reset view' }).click();
    await olive.page.mouse.move(1, 1);
    await expect.poll(async () => (await settledShot(map)).equals(before), { timeout: 10_000 }).toBe(true);
    // The arrow keys turn it too.
    await map.focus();
    for (let turn = 0; turn < 3; turn += 1) await olive.page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await settledShot(map)).equals(before), { timeout: 10_000 }).toBe(false);
    await olive.page.getByRole('button', { name: 'Reset view' }).click();
    await expect.poll(async () => (await settledShot(map)).equals(before), { timeout: 10_000 }).toBe(true);

    // 5. The heatmap of the three documents: hover a cell by its position for the pair and the value.
    await olive.page.getByRole('button', { name: 'Generate heatmap' }).click();
    const heatmap = olive.page.getByTestId('heatmap');
    await olive.page.locator('[data-testid="heatmap"][data-state="ready"]').waitFor();
    expect(await heatmap.getAttribute('aria-label')).toBe('Similarity of 3 documents');
    await olive.page.mouse.move(...(await heatmapCell(heatmap, 3, { row: 0, column: 1 })));
    await heatmap.locator('.chart-tooltip').waitFor();
    expect(await heatmap.locator('.chart-tooltip').textContent()).toMatch(/^\S+ × \S+Cosine similarity -?[01]\.\d{3}$/);
    expect(await olive.page.locator('.heatmap-readout').textContent()).toMatch(/ × .*: -?[01]\.\d{3}$/);
    // 5b. A click on a cell compares the pair; in passage scope it shows both passages' text.
    await olive.page.mouse.click(...(await heatmapCell(heatmap, 3, { row: 0, column: 1 })));
    await olive.page.getByTestId('heatmap-pair').waitFor();
    expect(await olive.page.getByTestId('heatmap-pair').locator('.passage-card').count()).toBe(2);
    await screenshotThemes(olive.page, 'analytics-heatmap');
    // The textual alternative: the matrix as a table.
    await olive.page.getByText('The matrix as a table').click();
    await olive.page.locator('.matrix-table').waitFor();
    expect(await olive.page.locator('.matrix-table tbody tr').count()).toBe(3);
    await olive.page.getByRole('radio', { name: 'Passages' }).click();
    await olive.page.getByRole('button', { name: 'Generate heatmap' }).click();
    await olive.page.getByRole('img', { name: /^Similarity of \d+ passages$/ }).waitFor();
    const passages = Number(/(\d+) passages/.exec((await heatmap.getAttribute('aria-label'))!)![1]);
    expect(passages).toBeGreaterThan(3);
    await olive.page.locator('[data-testid="heatmap"][data-state="ready"]').waitFor();
    await olive.page.mouse.click(...(await heatmapCell(heatmap, passages, { row: 0, column: 1 })));
    const pair = olive.page.getByTestId('heatmap-pair');
    await pair.waitFor();
    expect(await pair.locator('.chunk-text').allTextContents()).toEqual([
      expect.stringMatching(/^Note \d+/),
      expect.stringMatching(/^Note \d+/),
    ]);

    // 6. The retrieval tester's score distribution is a chart too, with its bins as a table.
    await olive.page.getByLabel('Question').fill('honey from the hive');
    await olive.page.getByRole('button', { name: 'Search', exact: true }).click();
    await olive.page.locator('[data-testid="score-histogram"][data-state="ready"]').waitFor();
    expect(await olive.page.getByTestId('score-histogram').getAttribute('aria-label')).toMatch(/^Score distribution of \d+ results$/);
    expect(await olive.page.locator('.score-distribution tr').count()).toBe(10);

    // 7. Coming back to the page shows the last map again from the cache (no recomputation).
    await olive.page.getByRole('link', { name: project.name }).first().click();
    await olive.page.getByRole('link', { name: 'Analytics' }).click();
    await olive.page.getByText(/UMAP 3D/).waitFor();
    expect(await olive.page.getByTestId('map-progress').count()).toBe(0);

    await olive.page.getByRole('heading', { name: 'Embedding map' }).scrollIntoViewIfNeeded();
    await screenshotThemes(olive.page, 'analytics');
    expect(scenario.browser.consoleErrors).toEqual([]);
  });
});
