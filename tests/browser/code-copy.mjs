// Highlighted code in a real browser, 375 px wide: what a reader copies from the first numbered
// code block (the code, without its line numbers), whether the block scrolls inside itself
// instead of widening the page, and the colour of its first keyword in light and dark.
//   node code-copy.mjs URL
// -> {"copied": "...", "pageScrollWidth": N, "innerWidth": N, "preScrolls": bool,
//     "keyword": {"light": "rgb(...)", "dark": "rgb(...)"}, ...problems}

import { main, withPage } from './lib.mjs';

main(async ([url]) => {
  if (!url) throw new Error('usage: node code-copy.mjs URL');
  return withPage(url, { width: 375, height: 740 }, async (page, problems) => {
    const layout = await page.evaluate(() => {
      const pre = document.querySelector('pre.code:has(code.linenos)');
      const range = document.createRange();
      range.selectNodeContents(pre);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      return {
        copied: selection.toString(),
        pageScrollWidth: document.scrollingElement.scrollWidth,
        innerWidth: window.innerWidth,
        preScrolls: pre.scrollWidth > pre.clientWidth,
      };
    });
    const keyword = {};
    for (const scheme of ['light', 'dark']) {
      await page.emulateMedia({ colorScheme: scheme });
      keyword[scheme] = await page.evaluate(
        () => getComputedStyle(document.querySelector('pre.code .tok-keyword')).color,
      );
    }
    return { ...layout, keyword, ...problems };
  });
});
