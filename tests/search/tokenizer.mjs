// node tests/search/tokenizer.mjs [CASES.json]: the JavaScript tokenizer against
// tests/search_cases.json, the table the Rust tokenizer is tested against too (or against
// CASES.json, the same shape, e.g. generated text with the Rust tokenizer's answers), and
// where snippets put their marks. Exits 1 listing every disagreement.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadClient } from './client.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const client = loadClient(here('../../themes/default/static/search.js'));
const table = JSON.parse(readFileSync(process.argv[2] ?? here('../search_cases.json'), 'utf8'));
const failures = [];
for (const { input, tokens } of table.tokenize) {
  const got = client.tokens(input);
  if (JSON.stringify(got) !== JSON.stringify(tokens)) failures.push(`${JSON.stringify(input)}: expected ${JSON.stringify(tokens)}, got ${JSON.stringify(got)}`);
}
for (const [text, hash] of [['', 0x811c9dc5], ['a', 0xe40c292c], ['foobar', 0xbf9cf968]]) {
  if (client.hash(text) !== hash) failures.push(`hash(${JSON.stringify(text)}) = ${client.hash(text)}, expected ${hash}`);
}
// Snippets mark CJK matches anywhere, Latin ones only where a word starts.
const marked = (text, needles) => client.snippet(text, needles, 200).filter((p) => p[1]).map((p) => p[0]);
for (const [text, needles, expected] of [
  ['有时提现失败，仅仅是因为余额不足', ['提现失败', '提现'], ['提现失败']],
  ['repay payments, Pay now', ['pay'], ['pay', 'Pay']],
]) {
  const got = marked(text, needles);
  if (JSON.stringify(got) !== JSON.stringify(expected)) failures.push(`snippet(${JSON.stringify(text)}) marks ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
}
if (failures.length) {
  console.error(failures.slice(0, 20).join('\n'));
  process.exit(1);
}
console.log(`${table.tokenize.length} tokenizer cases agree`);
