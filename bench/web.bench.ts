/**
 * The dashboard benchmark, in Chromium: with 100k work items in the store, the time from
 * navigation to the first meaningful render of the work board (the column counts and the first
 * queued cards on screen), and the latency from a work item created through the API to its card
 * on an open board (through the event stream). Targets: render p50 < 1.5 s, live update p95 <
 * 300 ms.
 *
 *   npm run bench -- web [--items 100000] [--loads 5] [--updates 20]
 *
 * Each load opens a new browser context (empty cache, no session): the script, styles and first
 * pages are fetched anew, as for a person opening the dashboard. The backlog is loaded straight
 * into `work_items` (as the claim benchmark does); the board reads it only through the API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { SYSTEM } from '../src/core/principal.js';
import { startServer, type RunningServer } from '../src/interfaces/http/server.js';
import { ControlPlane } from '../src/runtime/control-plane.js';
import { launchChromium } from '../test/support/browser.js';
import { buildWebIfStale } from '../web/build-if-stale.js';
import { SqliteBacklog } from './claim/backlog.js';
import { BacklogGenerator, ORG_DOCUMENT } from './claim/org.js';
import { positiveOption } from './support/options.js';
import {
  formatTable,
  machineInfo,
  packageVersions,
  quantile,
  round,
  writeResults,
} from './support/report.js';

const RENDER_TARGET_MS = 1500;
const UPDATE_TARGET_MS = 300;

interface Options {
  items: number;
  loads: number;
  updates: number;
}

function parseOptions(args: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...args],
    options: {
      items: { type: 'string', default: '100000' },
      loads: { type: 'string', default: '5' },
      updates: { type: 'string', default: '20' },
    },
  });
  return {
    items: Math.round(positiveOption('items', values.items)),
    loads: Math.round(positiveOption('loads', values.loads)),
    updates: Math.round(positiveOption('updates', values.updates)),
  };
}

/**
 * Runs in the page before the app: records (in `window.__bench`) when the board is first
 * meaningful, and when a card with a given title first appears, each taken in the frame after the
 * DOM change, when it is on screen.
 */
const PROBE = `
(() => {
  const bench = (window.__bench = { rendered: null, seen: {} , watch: null });
  const check = () => {
    if (bench.rendered === null) {
      const count = document.querySelector('[data-testid="count-queued"]');
      const card = document.querySelector('[data-state="queued"] [data-testid="work-card"]');
      if (count && card && count.textContent !== '…') {
        bench.rendered = -1;
        requestAnimationFrame(() => { bench.rendered = performance.now(); });
      }
    }
    const title = bench.watch;
    if (title !== null && bench.seen[title] === undefined) {
      for (const el of document.querySelectorAll('[data-state="queued"] .card-title'))
        if (el.textContent === title) {
          bench.seen[title] = -1;
          requestAnimationFrame(() => { bench.seen[title] = Date.now(); });
          break;
        }
    }
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
})();
`;

interface Fixture {
  dir: string;
  cp: ControlPlane;
  server: RunningServer;
  viewer: string;
  operator: string;
}

async function openFixture(items: number, say: (line: string) => void): Promise<Fixture> {
  const dir = mkdtempSync(join(os.tmpdir(), 'autonomy-bench-web-'));
  const file = join(dir, 'autonomy.db');
  const setup = await ControlPlane.open({ databaseUrl: file, leaseSeconds: 300 });
  try {
    await setup.applyConfigDocument(SYSTEM, ORG_DOCUMENT, 'bench/claim/org.ts');
    const types = await setup.listWorkTypes(SYSTEM);
    const backlog = new SqliteBacklog(file);
    try {
      const load = await backlog.load(items, new BacklogGenerator(types, Date.now(), 7));
      say(
        `  ${items.toLocaleString('en-US')} queued items loaded in ${load.loadSeconds.toFixed(1)} s`,
      );
    } finally {
      await backlog.close();
    }
  } finally {
    await setup.close();
  }
  // Opened after the load, so its connections plan with the statistics.
  const cp = await ControlPlane.open({ databaseUrl: file, leaseSeconds: 300 });
  const viewer = (await cp.issueToken(SYSTEM, { name: 'bench viewer', role: 'viewer' })).secret;
  const operator = (await cp.issueToken(SYSTEM, { name: 'bench operator', role: 'operator' }))
    .secret;
  const server = await startServer(cp, {
    host: '127.0.0.1',
    port: 0,
    bodyLimitBytes: 1024 * 1024,
    logLevel: 'warn',
  });
  return { dir, cp, server, viewer, operator };
}

async function openBoard(
  browser: Browser,
  fx: Fixture,
): Promise<{ context: BrowserContext; page: Page; pages: number; fetched: number }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(
    `sessionStorage.setItem('autonomy.token', ${JSON.stringify(fx.viewer)});`,
  );
  await context.addInitScript(PROBE);
  const page = await context.newPage();
  const pages: Promise<number>[] = [];
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (url.pathname !== '/v1/work' || response.request().method() !== 'GET') return;
    pages.push(
      response.json().then(
        (body: { items: unknown[] }) => body.items.length,
        () => 0,
      ),
    );
  });
  await page.goto(`${fx.server.url}/work`);
  await page.waitForFunction('window.__bench.rendered > 0', undefined, { timeout: 30_000 });
  const sizes = await Promise.all(pages);
  return { context, page, pages: sizes.length, fetched: sizes.reduce((a, b) => a + b, 0) };
}

export async function runWebBenchmark(args: readonly string[]): Promise<number> {
  const options = parseOptions(args);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  say(`web: the dashboard in Chromium over ${options.items.toLocaleString('en-US')} work items`);
  if (await buildWebIfStale()) say('  built web/dist');
  const fx = await openFixture(options.items, say);
  let browser: Browser | null = null;
  try {
    browser = await launchChromium();
    const renders: number[] = [];
    let firstPages = 0;
    let firstFetched = 0;
    for (let i = 0; i < options.loads; i++) {
      const board = await openBoard(browser, fx);
      renders.push(await board.page.evaluate<number>('window.__bench.rendered'));
      firstPages = board.pages;
      firstFetched = board.fetched;
      await board.context.close();
    }

    // Live updates: one board stays open; each item is created through the API.
    const board = await openBoard(browser, fx);
    const latencies: number[] = [];
    try {
      // Let the stream connect before the first item.
      await board.page.getByRole('status').filter({ hasText: 'live' }).waitFor();
      for (let i = 0; i < options.updates; i++) {
        const title = `live update ${i} ${Date.now()}`;
        await board.page.evaluate(`window.__bench.watch = ${JSON.stringify(title)}`);
        const sent = Date.now();
        const response = await fetch(`${fx.server.url}/v1/work`, {
          method: 'POST',
          headers: { authorization: `Bearer ${fx.operator}`, 'content-type': 'application/json' },
          body: JSON.stringify({ typeId: 'ticket', title, priorityClass: 'normal' }),
        });
        if (response.status !== 201)
          throw new Error(`create: ${response.status} ${await response.text()}`);
        await board.page.waitForFunction(
          `window.__bench.seen[${JSON.stringify(title)}] > 0`,
          undefined,
          { timeout: 10_000 },
        );
        const seen = await board.page.evaluate<number>(
          `window.__bench.seen[${JSON.stringify(title)}]`,
        );
        latencies.push(seen - sent);
      }
    } finally {
      await board.context.close();
    }

    const renderP50 = quantile(renders, 0.5);
    const updateP50 = quantile(latencies, 0.5);
    const updateP95 = quantile(latencies, 0.95);
    const renderOk = renderP50 < RENDER_TARGET_MS;
    const updateOk = updateP95 < UPDATE_TARGET_MS;
    say('');
    say(
      formatTable(
        ['measure', 'runs', 'p50 ms', 'p95 ms', 'max ms', 'target', 'met'],
        [
          [
            'first meaningful render of the board',
            renders.length,
            round(renderP50),
            round(quantile(renders, 0.95)),
            round(Math.max(...renders)),
            `p50 < ${RENDER_TARGET_MS} ms`,
            renderOk ? 'yes' : 'NO',
          ],
          [
            'API create → card on the open board',
            latencies.length,
            round(updateP50),
            round(updateP95),
            round(Math.max(...latencies)),
            `p95 < ${UPDATE_TARGET_MS} ms`,
            updateOk ? 'yes' : 'NO',
          ],
        ],
      ),
    );
    say(
      `  the first render read ${firstFetched.toLocaleString('en-US')} items in ${firstPages} pages of GET /v1/work (of ${options.items.toLocaleString('en-US')} in the store)`,
    );
    const path = writeResults('web', {
      benchmark: 'web',
      at: new Date().toISOString(),
      machine: machineInfo(),
      versions: packageVersions(),
      options,
      targets: { renderP50Ms: RENDER_TARGET_MS, updateP95Ms: UPDATE_TARGET_MS },
      render: { samplesMs: renders.map((r) => round(r)), p50Ms: round(renderP50), met: renderOk },
      firstRender: { workPages: firstPages, itemsFetched: firstFetched },
      update: {
        samplesMs: latencies,
        p50Ms: round(updateP50),
        p95Ms: round(updateP95),
        met: updateOk,
      },
    });
    say(`  results: ${path}`);
    return renderOk && updateOk ? 0 : 1;
  } finally {
    await browser?.close();
    await fx.server.close();
    await fx.cp.close();
    rmSync(fx.dir, { recursive: true, force: true });
  }
}
