// Shared helpers for quire's browser scripts: launch the system Chromium (never a downloaded
// one) with a fresh profile, record what went wrong while a page was open, and hand one JSON
// line back to the Rust test that started the script (tests/common/browser.rs).

import { chromium } from 'playwright-core';

/** Flags every quire browser test runs Chromium with (no GPU, no sandbox, no network chatter). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Tests run offline: every host name but loopback fails to resolve, so a page that reaches for a
 * CDN or remote font shows the request in `failedRequests` (net::ERR_NAME_NOT_RESOLVED) at once.
 */
const OFFLINE_RULES = '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1';

/** A script that is still running after this long is stuck: fail it rather than hang cargo test. */
const SCRIPT_TIMEOUT_MS = Number(process.env.QUIRE_BROWSER_TIMEOUT_MS || 180_000);

export function chromiumPath() {
  return process.env.CHROMIUM || '/usr/bin/chromium';
}

/**
 * Launches Chromium. `launch()` (not a persistent context) makes Playwright create a new,
 * empty temporary profile for this browser and delete it on close, so no state leaks
 * between tests.
 */
export function launch() {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [...CHROMIUM_ARGS, OFFLINE_RULES],
  });
}

/** Runs `fn(browser)` and always closes the browser afterwards. */
export async function withBrowser(fn) {
  const browser = await launch();
  try {
    return await fn(browser);
  } finally {
    await browser.close();
  }
}

/**
 * Records the problems a page runs into, as plain data ready for JSON:
 * failedRequests (network errors, e.g. a blocked or refused request), badResponses (HTTP status
 * >= 400), consoleErrors (console.error and failed resource loads as Chromium reports them) and
 * pageErrors (uncaught exceptions).
 */
export function watchProblems(page) {
  const problems = { failedRequests: [], badResponses: [], consoleErrors: [], pageErrors: [] };
  page.on('requestfailed', (req) =>
    problems.failedRequests.push({ url: req.url(), error: req.failure()?.errorText ?? 'unknown' }),
  );
  page.on('response', (res) => {
    if (res.status() >= 400) problems.badResponses.push({ url: res.url(), status: res.status() });
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const where = msg.location()?.url;
      problems.consoleErrors.push(where ? `${msg.text()} (${where})` : msg.text());
    }
  });
  page.on('pageerror', (err) => problems.pageErrors.push(String(err)));
  return problems;
}

/**
 * Opens `url` in a new page of a fresh browser and runs `fn(page, problems)`; returns what `fn`
 * returns. `options` are Playwright browser-context options plus the shorthands `width` and
 * `height` for the viewport (default 1280x800); e.g. `{ width: 375, height: 667, locale: 'zh-CN' }`.
 * `problems` is the live record of watchProblems(), started before navigation.
 */
export async function withPage(url, options, fn) {
  const { width = 1280, height = 800, ...contextOptions } = options ?? {};
  return withBrowser(async (browser) => {
    const context = await browser.newContext({ viewport: { width, height }, ...contextOptions });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(url, { waitUntil: 'load' });
    return fn(page, problems);
  });
}

/**
 * Runs a script's body: `main(async (args) => result)`. `args` are the command-line arguments
 * after the script name. Prints `result` as ONE JSON line on stdout and exits 0; on an error
 * prints it to stderr and exits 1. A watchdog ends a stuck script after SCRIPT_TIMEOUT_MS.
 */
export function main(body) {
  const watchdog = setTimeout(() => {
    process.stderr.write(`browser script timed out after ${SCRIPT_TIMEOUT_MS} ms\n`);
    process.exit(2);
  }, SCRIPT_TIMEOUT_MS);
  watchdog.unref();
  body(process.argv.slice(2)).then(
    (result) => {
      process.stdout.write(JSON.stringify(result ?? null) + '\n', () => process.exit(0));
    },
    (err) => {
      process.stderr.write(`${err?.stack ?? err}\n`, () => process.exit(1));
    },
  );
}
