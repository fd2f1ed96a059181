// node tests/search/query.mjs PUBLIC_DIR QUERY...: prints the top five results of each query as JSON.
import { engineFor, search } from './client.mjs';

const [site, ...queries] = process.argv.slice(2);
const { engine } = engineFor(site);
for (const q of queries) console.log(JSON.stringify({ query: q, results: await search(engine, q) }));
