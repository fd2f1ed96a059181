// Proves live reload in a real browser against a running `quire serve`:
//   node live-reload.mjs PAGE_URL ARTICLE_FILE CSS_FILE
// Edits the article (the page reloads and shows the new text), the stylesheet (swapped in
// place: no reload, scroll position kept), then breaks the article's front matter (the error
// overlay appears, as text) and fixes it (the overlay goes). Prints one JSON line of findings.

import { readFileSync, writeFileSync } from 'node:fs';
import { main, withPage } from './lib.mjs';

main(async ([url, article, css]) => {
  if (!css) throw new Error('usage: node live-reload.mjs PAGE_URL ARTICLE_FILE CSS_FILE');
  const original = readFileSync(article, 'utf8');
  return withPage(url, {}, async (page, problems) => {
    const result = {};
    // Each reload wipes this marker; a swap in place keeps it.
    const mark = (value) => page.evaluate((v) => { window.quireTestMarker = v; }, value);
    const marker = () => page.evaluate(() => window.quireTestMarker ?? null);

    await mark('before-edit');
    writeFileSync(article, original.replace('Original text.', 'Edited live text.'));
    // The reloaded page must have finished loading, or it may still be too short to scroll.
    await page.waitForFunction(
      () => document.readyState === 'complete' && document.body.innerText.includes('Edited live text.'),
    );
    result.markerAfterEdit = await marker();

    await mark('before-css');
    await page.evaluate(() => window.scrollTo(0, 600));
    result.scrollBeforeCss = await page.evaluate(() => window.scrollY);
    writeFileSync(css, 'body { background-color: rgb(1, 2, 3); }\n');
    await page.waitForFunction(() => getComputedStyle(document.body).backgroundColor === 'rgb(1, 2, 3)');
    result.markerAfterCss = await marker();
    result.scrollAfterCss = await page.evaluate(() => window.scrollY);

    await mark('before-error');
    writeFileSync(article, original.replace(/^title: .*$/m, 'title: Live\ndate: <b>broken</b>'));
    const overlay = await page.waitForSelector('#quire-error-overlay');
    result.overlayText = await overlay.innerText();
    result.overlayElementsInMessage = await page.evaluate(
      () => document.querySelectorAll('#quire-error-overlay pre *').length,
    );
    result.markerWithError = await marker();

    writeFileSync(article, original.replace('Original text.', 'Fixed text.'));
    await page.waitForFunction(
      () => !document.getElementById('quire-error-overlay') && document.body.innerText.includes('Fixed text.'),
    );
    result.overlayGone = true;
    result.pageErrors = problems.pageErrors;
    result.consoleErrors = problems.consoleErrors;
    return result;
  });
});
