// node tests/search_parity.js search.js cases.json
// Compares search.js's analyzer with the Rust one on every case of
// cases.json ({fold, cases: [{text, tokens, query}]}, written by the parity
// test of tests/search.rs); prints the first differences, exits 1 on any.
const fs = require('fs');
const [script, fixture] = process.argv.slice(2);
new Function(fs.readFileSync(script, 'utf8'))();
const api = globalThis.gongkaiSearch;
const data = JSON.parse(fs.readFileSync(fixture, 'utf8'));
api.setFold(data.fold);
let bad = 0;
for (const c of data.cases) {
  const got = api.analyze(c.text);
  const query = api.queryTokens(c.text);
  if (JSON.stringify(got) !== JSON.stringify(c.tokens) || JSON.stringify(query) !== JSON.stringify(c.query)) {
    bad++;
    if (bad < 10) console.log(JSON.stringify({ text: c.text, rust: [c.tokens, c.query], js: [got, query] }));
  }
}
console.log(`${data.cases.length} strings, ${bad} differ`);
process.exit(bad ? 1 : 0);
