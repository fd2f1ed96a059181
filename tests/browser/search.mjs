// Search in a real browser: types queries into the search box of a served site and reads the
// results as a reader sees them.
//   node search.mjs PAGE_URL SEARCH_PAGE_URL QUERY...
// -> {"slashFocuses": bool, "results": {QUERY: [{href, title, heading, snippet, marks}]},
//     "imagesInResults": n, "dialogs": [...], "enterOpens": url, "linked": [...], "problems": {...}}

import { main, withPage } from './lib.mjs';

/** Types `query` into an empty box and waits until the results shown are for it. */
async function search(page, query) {
  const box = page.locator('#search-input');
  await box.fill('');
  await box.pressSequentially(query);
  await shown(page, query);
  return readResults(page);
}

/** Waits until the results are those of `query`; on a timeout, says what the page shows. */
async function shown(page, query) {
  try {
    await page.waitForSelector(`#search-results[data-query="${query.replace(/"/g, '\\"')}"]`, { state: 'attached', timeout: 30000 });
  } catch (e) {
    const state = await page.evaluate(() => ({
      input: document.getElementById('search-input')?.value,
      shownQuery: document.getElementById('search-results')?.getAttribute('data-query'),
      text: document.getElementById('search-results')?.textContent.slice(0, 200),
    }));
    throw new Error(`no results shown for ${JSON.stringify(query)}: ${JSON.stringify(state)}`);
  }
}

function readResults(page) {
  return page.evaluate(() => {
    const empty = document.querySelector('#search-results .search-empty');
    if (empty) return { empty: empty.textContent, list: [] };
    return {
      list: [...document.querySelectorAll('#search-results li a')].map((a) => ({
        href: a.href,
        title: a.querySelector('.search-title')?.textContent ?? '',
        heading: a.querySelector('.search-heading')?.textContent ?? '',
        snippet: a.querySelector('.search-snippet')?.textContent ?? '',
        marks: [...a.querySelectorAll('mark')].map((m) => m.textContent),
      })),
    };
  });
}

main(async ([pageUrl, searchPageUrl, ...queries]) =>
  withPage(pageUrl, {}, async (page, problems) => {
    const dialogs = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      d.dismiss();
    });
    await page.locator('body').press('/');
    const slashFocuses = await page.evaluate(() => document.activeElement?.id === 'search-input');
    const results = {};
    for (const q of queries) results[q] = await search(page, q);
    const imagesInResults = await page.locator('#search-results img').count();
    // Leaving the page cancels its pending requests (the icon): problems are read before that.
    const seen = JSON.parse(JSON.stringify(problems));

    await search(page, queries[0]);
    await page.locator('#search-input').press('ArrowDown');
    await Promise.all([page.waitForNavigation(), page.locator('#search-input').press('Enter')]);
    const enterOpens = page.url();

    await page.goto(`${searchPageUrl}?q=${encodeURIComponent(queries[0])}`);
    await shown(page, queries[0]);
    const linked = (await readResults(page)).list.map((r) => r.href);
    return { slashFocuses, results, imagesInResults, dialogs, enterOpens, linked, problems: seen };
  }),
);
