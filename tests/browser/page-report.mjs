// Opens one URL and reports its title and every problem seen while it loaded:
//   node page-report.mjs URL [WIDTH HEIGHT]
// -> {"title": ..., "url": ..., "failedRequests": [...], "badResponses": [...],
//     "consoleErrors": [...], "pageErrors": [...]}

import { main, withPage } from './lib.mjs';

main(async ([url, width, height]) => {
  if (!url) throw new Error('usage: node page-report.mjs URL [WIDTH HEIGHT]');
  const viewport = width ? { width: Number(width), height: Number(height) } : {};
  return withPage(url, viewport, async (page, problems) => ({
    title: await page.title(),
    url: page.url(),
    ...problems,
  }));
});
