// Loads a built site's search.js in node, with the index read from disk instead of fetched,
// so tests rank queries with exactly the code the browser runs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function loadClient(script) {
  const module = { exports: {} };
  new Function('module', readFileSync(script, 'utf8'))(module);
  return module.exports;
}

export function engineFor(site) {
  const client = loadClient(join(site, 'search.js'));
  const get = async (path, json) => {
    const bytes = readFileSync(join(site, 'search', path));
    return json ? JSON.parse(bytes.toString('utf8')) : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  };
  return { client, engine: client.Engine(get) };
}

/// The first `n` results for `query`: `path#id` plus title and heading.
export async function search(engine, query, n = 5) {
  const found = await engine.rank(query);
  const list = await engine.resolve(found, 0, n);
  return list.map((r) => ({ url: r.path + (r.id ? '#' + r.id : ''), title: r.title, heading: r.heading, score: r.score }));
}
