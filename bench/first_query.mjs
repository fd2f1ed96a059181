// node bench/first_query.mjs PUBLIC_DIR QUERIES_FILE: for each query, as a first query on a
// fresh page, the files search.js downloads to show five results and their gzip size.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { loadClient } from '../tests/search/client.mjs';

const [site, queriesFile] = process.argv.slice(2);
const client = loadClient(join(site, 'search.js'));
const gz = (bytes) => gzipSync(bytes).length;
const script = gz(readFileSync(join(site, 'search.js')));
const results = [];
for (const query of readFileSync(queriesFile, 'utf8').split('\n').filter(Boolean)) {
  const fetched = [];
  const get = async (path, json) => {
    const bytes = readFileSync(join(site, 'search', path));
    fetched.push({ path, gzip: gz(bytes) });
    return json ? JSON.parse(bytes.toString('utf8')) : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  };
  const engine = client.Engine(get);
  const found = await engine.rank(query);
  const shown = await engine.resolve(found, 0, 5);
  const index = fetched.filter((f) => !f.path.includes('/p/')).reduce((s, f) => s + f.gzip, 0);
  const pages = fetched.filter((f) => f.path.includes('/p/')).reduce((s, f) => s + f.gzip, 0);
  results.push({ query, hits: found.hits.length, shown: shown.length, files: fetched.length + 1, script, index, pages, total: script + index + pages });
}
console.log(JSON.stringify({ script, queries: results }));
