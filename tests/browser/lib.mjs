// Shared helpers for quire's browser scripts: launch the system Chromium (never a downloaded
// one) with a fresh profile, record what went wrong while a page was open, and hand one JSON
// line back to the Rust test that started the script (tests/common/browser.rs).

import { format } from 'node:util';
import { chromium } from 'playwright-core';
// Playwright's debug channels, the only route by which Chromium's own stderr reaches a script
// (`lib/utilsBundle` is in playwright-core's package exports; the version is pinned).
import playwrightUtils from 'playwright-core/lib/utilsBundle';

/** Flags every quire browser test runs Chromium with (no GPU, no sandbox, no network chatter). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Diagnostics only: Chromium's warnings, errors and fatal checks, from every one of its
  // processes, go to stderr, where chromiumLog keeps them for a failure report.
  '--enable-logging=stderr',
  '--v=0',
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

/** How many of Chromium's last stderr lines a failure report shows. */
const CHROMIUM_LOG_LINES = 60;

/**
 * Chromium's stderr, as Playwright reads it: the last CHROMIUM_LOG_LINES lines, with the
 * start-up noise of a machine without D-Bus left out. Playwright passes these lines only to
 * its `pw:browser` debug channel, so that channel is switched on and its output kept here
 * instead of printed (unless the caller set DEBUG, who then sees every channel as asked).
 */
const chromiumLog = [];
const CHROMIUM_NOISE = /dbus|D-Bus|Floss|UPower|PropertiesChanged|cpufreq|drmGetDevices|InitializeSandbox/;
if (!process.env.DEBUG) {
  const { debug } = playwrightUtils;
  debug.enable('pw:browser');
  debug.log = (...args) => {
    const line = format(...args);
    if (CHROMIUM_NOISE.test(line)) return;
    chromiumLog.push(line);
    if (chromiumLog.length > CHROMIUM_LOG_LINES) chromiumLog.shift();
  };
}

/**
 * Renderers that died, as Chromium reports them (`Target.targetCrashed`): Playwright's own
 * error says only "Page crashed" or "Target crashed", not how the process ended.
 */
const crashedRenderers = [];

/**
 * Launches Chromium. `launch()` (not a persistent context) makes Playwright create a new,
 * empty temporary profile for this browser and delete it on close, so no state leaks
 * between tests. Every renderer crash is recorded for the failure report (see main()).
 */
export async function launch() {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [...CHROMIUM_ARGS, OFFLINE_RULES],
  });
  const targets = await browser.newBrowserCDPSession();
  const urls = new Map();
  const remember = ({ targetInfo }) => urls.set(targetInfo.targetId, targetInfo.url);
  targets.on('Target.targetCreated', remember);
  targets.on('Target.targetInfoChanged', remember);
  targets.on('Target.targetCrashed', ({ targetId, status, errorCode }) =>
    crashedRenderers.push({ url: urls.get(targetId) ?? targetId, status, errorCode, at: new Date().toISOString() }),
  );
  await targets.send('Target.setDiscoverTargets', { discover: true });
  return browser;
}

/** The renderer crashes recorded so far, as data: `{ url, status, errorCode, at }` each. */
export function rendererCrashes() {
  return crashedRenderers.map((c) => ({ ...c }));
}

/**
 * What Chromium itself said while this script ran: the renderers that crashed (status
 * `crashed` with the signal number as errorCode, `killed` for a process ended from outside,
 * `oom` when it ran out of memory) and the last lines of its stderr. Empty when there is
 * nothing to say.
 */
export function chromiumReport() {
  const parts = [];
  for (const c of crashedRenderers) parts.push(describeCrash(c));
  if (chromiumLog.length > 0) {
    parts.push(`Chromium's last stderr lines (via Playwright):\n${chromiumLog.join('\n')}`);
  }
  return parts.join('\n');
}

/**
 * One line for a renderer crash. errorCode is the process's wait status: a signal number, plus
 * 128 when the kernel wrote a core file (139 = SIGSEGV with a core, 11 = SIGSEGV).
 */
export function describeCrash(c) {
  return `Chromium renderer for ${c.url} ended at ${c.at}: status ${c.status}, errorCode ${c.errorCode}`;
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
 * prints it, followed by chromiumReport(), to stderr and exits 1. A watchdog ends a stuck
 * script after SCRIPT_TIMEOUT_MS.
 */
export function main(body) {
  const watchdog = setTimeout(() => {
    process.stderr.write(`browser script timed out after ${SCRIPT_TIMEOUT_MS} ms\n${chromiumReport()}\n`);
    process.exit(2);
  }, SCRIPT_TIMEOUT_MS);
  watchdog.unref();
  body(process.argv.slice(2)).then(
    (result) => {
      process.stdout.write(JSON.stringify(result ?? null) + '\n', () => process.exit(0));
    },
    (err) => {
      process.stderr.write(`${err?.stack ?? err}\n${chromiumReport()}\n`, () => process.exit(1));
    },
  );
}
