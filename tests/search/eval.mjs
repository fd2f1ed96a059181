// node tests/search/eval.mjs PUBLIC_DIR QUERIES.tsv: for each `query<TAB>expected path`, the
// rank of the expected page among the results; prints one line per query and a summary.
import { readFileSync } from 'node:fs';
import { engineFor } from './client.mjs';

const [site, table] = process.argv.slice(2);
const { engine } = engineFor(site);
let first = 0, top5 = 0, total = 0;
for (const line of readFileSync(table, 'utf8').split('\n')) {
  if (!line.trim() || line.startsWith('#')) continue;
  const [query, expected] = line.split('\t');
  const found = await engine.rank(query);
  const shown = await engine.resolve(found, 0, 5);
  const rank = shown.findIndex((r) => r.path === expected) + 1;
  total++;
  if (rank === 1) first++;
  if (rank >= 1) top5++;
  console.log(`${rank === 1 ? 'ok ' : 'MISS'} ${query} -> ${rank || '-'} (want ${expected}; got ${shown.slice(0, 3).map((r) => r.path + ' ' + r.title).join(' | ')})`);
}
console.log(`first: ${first}/${total}, top 5: ${top5}/${total}`);
