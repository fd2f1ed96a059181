// Proves that many tabs of one served site share a single waiting live-reload poll, so they
// stay under Chromium's 6-connections-per-host limit, and that every tab still reloads:
//   node live-tabs.mjs PAGE_URL ARTICLE_FILE
// Opens 8 tabs, counts the waiting polls (`wait=1`) in flight at once, fetches a page from
// every tab, then edits the article twice (the tab leading the poll reloads and hands over)
// and waits for every tab to show each edit. Prints one JSON line of findings.
//
// A tab whose renderer crashes ends the run early with `rendererCrashes` (which tab, its role,
// what the run was waiting for, and how Chromium says the process ended) instead of findings:
// under heavy CPU load Chromium 156's renderer has been seen to die of SIGSEGV (a null pointer
// read on its main thread) while the tabs reload and pass the Web Lock on, which no page
// script can cause. The Rust test then runs the whole check once more (tests/serve.rs).

import { readFileSync, writeFileSync } from 'node:fs';
import { main, rendererCrashes, watchProblems, withBrowser } from './lib.mjs';

const TABS = 8;

main(async ([url, article]) => {
  if (!article) throw new Error('usage: node live-tabs.mjs PAGE_URL ARTICLE_FILE');
  // What the run is waiting for, and the tabs whose renderer crashed meanwhile.
  const run = { waitingFor: 'the tabs to open', crashedTabs: [] };
  try {
    return await withBrowser((browser) => checkTabs(browser, url, article, run));
  } catch (err) {
    if (run.crashedTabs.length === 0 && !/crashed/i.test(String(err))) throw err;
    return {
      rendererCrashes: { tabs: run.crashedTabs, waitingFor: run.waitingFor, chromium: rendererCrashes(), error: String(err) },
    };
  }
});

async function checkTabs(browser, url, article, run) {
  const original = readFileSync(article, 'utf8');
  const context = await browser.newContext();
  const waiting = new Set();
  let mostWaiting = 0;
  let onWaiting = () => {};
  context.on('request', (request) => {
    if (/\/__quire\/live\?.*wait=1/.test(request.url())) {
      waiting.add(request);
      mostWaiting = Math.max(mostWaiting, waiting.size);
      onWaiting();
    }
  });
  const finished = (request) => waiting.delete(request);
  context.on('requestfinished', finished);
  context.on('requestfailed', finished);

  const pages = [];
  const problems = [];
  const lastRoles = [];
  for (let i = 0; i < TABS; i++) {
    const page = await context.newPage();
    page.on('crash', () => run.crashedTabs.push({ tab: i, lastRole: lastRoles[i] ?? null }));
    problems.push(watchProblems(page));
    await page.goto(url, { waitUntil: 'load' });
    pages.push(page);
  }
  const roles = async () => {
    const now = await Promise.all(
      pages.map(async (page) => {
        const role = await page.waitForSelector('script[data-live-role]', { state: 'attached' });
        return role.getAttribute('data-live-role');
      }),
    );
    lastRoles.splice(0, TABS, ...now);
    return now;
  };
  run.waitingFor = 'the roles of the tabs';
  const result = { roles: await roles() };
  // The leader's poll is on its way: wait until it is seen.
  if (waiting.size === 0) await new Promise((resolve) => (onWaiting = resolve));
  result.mostWaitingPolls = mostWaiting;
  run.waitingFor = 'a fetch from every tab';
  result.fetchStatuses = await Promise.all(
    pages.map((page) => page.evaluate(async (u) => (await fetch(u, { cache: 'no-store' })).status, url)),
  );

  for (const text of ['First edit for every tab.', 'Second edit for every tab.']) {
    await Promise.all(pages.map((page) => page.evaluate(() => { window.quireTestMarker = 'before'; })));
    writeFileSync(article, original.replace('Original text.', text));
    run.waitingFor = `every tab to show "${text}"`;
    await Promise.all(
      pages.map((page) => page.waitForFunction((t) => document.body?.innerText.includes(t), text)),
    );
    const markers = await Promise.all(pages.map((page) => page.evaluate(() => window.quireTestMarker ?? null)));
    result[text] = { reloaded: markers.filter((m) => m === null).length, roles: await roles() };
  }
  result.pageErrors = problems.flatMap((p) => p.pageErrors);
  result.consoleErrors = problems.flatMap((p) => p.consoleErrors);
  return result;
}
