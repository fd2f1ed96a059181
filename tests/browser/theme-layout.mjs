// The default theme in a real browser. For every page URL given, at 1280 px and 375 px wide
// with scripts on, and 360 px (the narrowest phones) with scripts off: does the page scroll
// sideways, and does every link of the sidebar, table of contents, breadcrumbs and pager lead to
// a page that exists (and to an element with the fragment's id)? Then, on the first page: the phone menu, the light/dark
// switch remembered across a reload, and folder links opened from disk.
//   node theme-layout.mjs FILE_URL_OF_FIRST_PAGE URL...
// -> {"pages": [...], "brokenLinks": [...], "problems": [...], "menu": {...}, "scheme": {...},
//     "fromDisk": {...}}

import { main, withBrowser, watchProblems } from './lib.mjs';

const VIEWS = [
  { name: '1280', width: 1280, height: 800, javaScriptEnabled: true },
  { name: '375', width: 375, height: 740, javaScriptEnabled: true },
  { name: '360-nojs', width: 360, height: 740, javaScriptEnabled: false },
];

const LINKS = '#site-nav a[href], .toc a[href], .breadcrumbs a[href], .pager a[href]';

/** Lays out `url` and returns its widths and the absolute targets of its navigation links. */
async function inspect(page, url) {
  await page.goto(url, { waitUntil: 'load' });
  return page.evaluate((selector) => {
    const links = [...document.querySelectorAll(selector)].map((a) => a.href);
    const missingHere = links
      .filter((href) => href.split('#')[0] === location.href.split('#')[0] && href.includes('#'))
      .filter((href) => !document.getElementById(decodeURIComponent(href.split('#')[1])));
    return {
      scrollWidth: document.scrollingElement.scrollWidth,
      innerWidth: window.innerWidth,
      links,
      missingHere,
    };
  }, LINKS);
}

/** Fetches each linked page once; a fragment must name an id in the page it points to. */
async function brokenTargets(context, links) {
  const broken = [];
  const bodies = new Map();
  for (const link of links) {
    const [target, fragment] = link.split('#');
    if (!bodies.has(target)) {
      const response = await context.request.get(target);
      bodies.set(target, response.status() === 200 ? await response.text() : null);
    }
    const body = bodies.get(target);
    if (body === null) broken.push({ link, why: 'no such page' });
    else if (fragment && !body.includes(`id="${decodeURIComponent(fragment)}"`)) {
      broken.push({ link, why: 'no element with this id' });
    }
  }
  return broken;
}

async function checkMenu(browser, url) {
  const context = await browser.newContext({ viewport: { width: 375, height: 740 } });
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'load' });
  const nav = page.locator('#site-nav');
  const button = page.locator('.menu-button');
  const result = { hiddenAtFirst: !(await nav.isVisible()), buttonVisible: await button.isVisible() };
  await button.click();
  await page.waitForFunction(() => getComputedStyle(document.getElementById('site-nav')).transform === 'none');
  const box = await nav.boundingBox();
  result.openExpanded = await button.getAttribute('aria-expanded');
  result.openInView = box !== null && box.x >= 0 && box.x + box.width <= 375;
  result.focusInMenu = await page.evaluate(() => document.getElementById('site-nav').contains(document.activeElement));
  await page.keyboard.press('Escape');
  result.closedExpanded = await button.getAttribute('aria-expanded');
  result.focusBack = await page.evaluate(() => document.activeElement?.classList.contains('menu-button'));
  await context.close();
  return result;
}

async function checkScheme(browser, url) {
  const background = (page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'load' });
  const result = { light: await background(page), pressedBefore: await page.getAttribute('.theme-toggle', 'aria-pressed') };
  await page.click('.theme-toggle');
  result.afterClick = await background(page);
  result.pressedAfter = await page.getAttribute('.theme-toggle', 'aria-pressed');
  result.stored = await page.evaluate(() => localStorage.getItem('quire-theme'));
  // The choice is applied by <head> before the body exists (so nothing is drawn in the wrong
  // colours): look as soon as there is a body, then once the page has loaded.
  await page.reload({ waitUntil: 'commit' });
  await page.waitForSelector('body', { state: 'attached' });
  result.themeAtFirstBody = await page.evaluate(() => document.documentElement.getAttribute('data-theme'));
  await page.waitForLoadState('load');
  result.afterReload = await background(page);
  await context.close();

  const dark = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
  const darkPage = await dark.newPage();
  await darkPage.goto(url, { waitUntil: 'load' });
  result.systemDark = await background(darkPage);
  await dark.close();
  return result;
}

async function checkFromDisk(browser, fileUrl) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(fileUrl, { waitUntil: 'load' });
  const hrefs = await page.$$eval('#site-nav a', (links) => links.map((a) => a.getAttribute('href')));
  await Promise.all([
    page.waitForURL((url) => url.href !== fileUrl, { waitUntil: 'load' }),
    page.click('#site-nav .nav-tree > li:nth-child(2) > a'),
  ]);
  const result = { hrefs, landedOn: page.url(), landedTitle: await page.title() };
  await context.close();
  return result;
}

main(async ([fileUrl, ...urls]) => {
  if (!fileUrl || urls.length === 0) throw new Error('usage: node theme-layout.mjs FILE_URL URL...');
  return withBrowser(async (browser) => {
    const pages = [];
    const problems = [];
    const links = new Set();
    for (const view of VIEWS) {
      const { name, width, height, javaScriptEnabled } = view;
      const context = await browser.newContext({ viewport: { width, height }, javaScriptEnabled });
      const page = await context.newPage();
      const seen = watchProblems(page);
      for (const url of urls) {
        const found = await inspect(page, url);
        found.links.forEach((l) => links.add(l));
        pages.push({ url, view: name, scrollWidth: found.scrollWidth, innerWidth: found.innerWidth, linkCount: found.links.length, missingHere: found.missingHere });
      }
      for (const [kind, list] of Object.entries(seen)) {
        // Leaving a page cancels what it was still fetching (the favicon): not a missing file.
        const real = list.filter((p) => p.error !== 'net::ERR_ABORTED');
        real.forEach((p) => problems.push({ view: name, kind, problem: p }));
      }
      await context.close();
    }
    const context = await browser.newContext();
    const brokenLinks = await brokenTargets(context, [...links]);
    await context.close();
    return {
      pages,
      brokenLinks,
      problems,
      menu: await checkMenu(browser, urls[0]),
      scheme: await checkScheme(browser, urls[0]),
      fromDisk: await checkFromDisk(browser, fileUrl),
    };
  });
});
