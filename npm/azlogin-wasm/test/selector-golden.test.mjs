// SubscriptionSelector against the screens az 2.91.0's own selector printed
// (tests/golden/selector/, made by its generate.py): the table, each row, the default, every
// answer's meaning, the warnings and the final choice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const wasm = require('../pkg/node/azlogin_wasm.js');

const dir = new URL('../../../tests/golden/selector/', import.meta.url);
const read = (name) => readFileSync(new URL(name, dir), 'utf8');
const cases = JSON.parse(read('cases.json'));
const selected = JSON.parse(read('selected.json'));
const PROMPT = 'Select a subscription and tenant (Type a number or Enter for no changes): ';

// eslint-disable-next-line no-control-regex
const stripAnsi = (text) => text.replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '');

/** The rows of a tabulate "simple" table, cut at the columns its dashed line marks. */
function parseTable(table) {
  const [, dashes, ...lines] = table.split('\n');
  const starts = [...dashes.matchAll(/-+/g)].map((m) => m.index);
  return lines.map((line) => {
    const chars = [...line];
    return starts.map((s, i) => chars.slice(s, starts[i + 1]).join('').trim());
  });
}

test('the golden cases are all here', () => {
  assert.ok(cases.length >= 10);
  assert.deepEqual(cases.map((c) => c.name).sort(), Object.keys(selected).sort());
});

for (const c of cases) {
  test(`selector screen "${c.name}" equals az's`, () => {
    const entries = c.entries.map((e) => ({ ...e, state: 'Enabled' }));
    const selector = new wasm.SubscriptionSelector(entries, c.default);
    const screen = read(`${c.name}.stdout.txt`);
    const head = '\n[Tenant and subscription selection]\n\n';
    assert.ok(screen.startsWith(head));
    const coloured = screen.slice(head.length, screen.indexOf('\n\nThe default is marked'));
    const stdout = stripAnsi(screen);

    // The table, byte for byte in the case's theme, and each row's cells.
    assert.equal(selector.render(undefined, c.theme), coloured);
    const rows = selector.rows();
    assert.deepEqual(
      parseTable(stripAnsi(coloured)),
      rows.map((r) => [`[${r.number}]${r.isDefault ? ' *' : ''}`, r.shownName.trim(), r.id, r.tenant]),
    );
    if (c.theme === 'none') assert.equal(selector.render(), coloured);
    assert.deepEqual(rows.map((r) => r.number), rows.map((_, i) => i + 1));
    const byId = new Map(c.entries.map((e) => [e.id, e]));
    for (const r of rows) assert.equal(r.name, byId.get(r.id).name);

    // The sentence naming the default.
    const d = rows.find((r) => r.isDefault);
    assert.equal(d.id, c.default);
    assert.ok(stdout.includes(
      `\n\nThe default is marked with an *; the default tenant is '${d.tenant}' and subscription is '${d.name}' (${d.id}).\n\n`));

    // The answers: warnings as az printed them, then the choice and its echo.
    const warnings = [];
    let chosen = null;
    let asked = 0;
    for (const answer of c.answers) {
      asked += 1;
      const choice = selector.choose(answer);
      if (choice.kind === 'selected' || choice.kind === 'keep') {
        chosen = choice.chosen;
        if (choice.kind === 'selected') assert.equal(choice.number, Number(answer));
        break;
      }
      assert.ok(choice.kind === 'invalid' || choice.kind === 'noMatch', choice.kind);
      warnings.push(`WARNING: ${choice.warning}\n`);
    }
    assert.equal(warnings.join(''), read(`${c.name}.stderr.txt`));
    assert.ok(chosen, 'no choice');
    assert.equal(chosen.id, selected[c.name]);
    assert.equal(stdout.split(PROMPT).length - 1, asked);
    assert.ok(stdout.endsWith(`${PROMPT}\nTenant: ${chosen.tenant}\nSubscription: ${chosen.name} (${chosen.id})\n\n`));
  });
}
