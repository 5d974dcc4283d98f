// SubscriptionSelector with a filter: rows(filter), render(filter) and choose(input), against the
// screens the Rust selector prints for the same lists (tests/login_selector_pty.rs, the `azlogin
// login` selector on a real terminal; src/selector/tests.rs): a filtered view keeps the full
// list's numbers, no match leaves the view as it was, numbers select from the whole list, and
// Enter on a view of several rows returns to the whole list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const wasm = require('../pkg/node/azlogin_wasm.js');

const entry = (id, name, tenantId, tenantDisplayName) => ({ id, name, state: 'Enabled', tenantId, tenantDisplayName });

// The emulator's four subscriptions as the terminal test signs in to them.
const CONTOSO = '11111111-1111-4111-8111-111111111111';
const PRODUCTION = 'c0000001-0000-4000-8000-000000000001';
const STAGING = 'c0000001-0000-4000-8000-000000000003';
const RESEARCH = 'c0000002-0000-4000-8000-000000000001';
const emulatorList = [
  entry(PRODUCTION, 'Contoso Production', CONTOSO, 'Contoso'),
  entry('c0000001-0000-4000-8000-000000000002', 'Contoso Dev', CONTOSO, 'Contoso'),
  entry(STAGING, 'Contoso Staging', CONTOSO, 'Contoso'),
  entry(RESEARCH, 'Fabrikam Research', '22222222-2222-4222-8222-222222222222', 'Fabrikam'),
];

// src/selector/tests.rs's sample list.
const sample = [
  entry('c-1', 'Contoso Production', 't-1', 'Contoso'),
  entry('c-2', 'Contoso Dev', 't-1', 'Contoso'),
  entry('f-1', 'Fabrikam Staging', 't-2', null),
  entry('w-1', 'Woodgrove Dev', 't-3', 'Woodgrove Bank'),
];

test('a filter whose only match is row [3]: the row keeps its number, as on the CLI\'s terminal', () => {
  const selector = new wasm.SubscriptionSelector(emulatorList, PRODUCTION);
  assert.deepEqual(selector.rows().map((r) => [r.number, r.name, r.isDefault]), [
    [1, 'Contoso Dev', false],
    [2, 'Contoso Production', true],
    [3, 'Contoso Staging', false],
    [4, 'Fabrikam Research', false],
  ]);
  // What `azlogin login` prints after the user types "staging" (login_selector_pty.rs).
  const view =
    'No    Subscription name    Subscription ID                       Tenant\n' +
    '----  -------------------  ------------------------------------  --------\n' +
    `[3]   Contoso Staging      ${STAGING}  Contoso`;
  assert.equal(selector.render('staging'), view);
  assert.equal(selector.render('  STAGING '), view, 'trimmed, case-insensitive');
  assert.equal(selector.render('staging', 'dark'), view, 'the default is not in the view: no colour');
  assert.deepEqual(selector.rows('staging').map((r) => [r.number, r.id, r.isDefault]), [[3, STAGING, false]]);

  assert.deepEqual(selector.choose('staging'),
    { kind: 'filtered', number: null, count: 1, warning: null, chosen: null, filter: 'staging' });
  // No match: the CLI's warning; the view (and its filter) stays.
  assert.deepEqual(selector.choose('nothing-like-this'), {
    kind: 'noMatch', number: null, count: null, chosen: null, filter: 'staging',
    warning: "No subscription or tenant matches 'nothing-like-this'; type a number or Enter to keep the default.",
  });
  assert.deepEqual(selector.rows('nothing-like-this'), []);
  assert.equal(selector.render('nothing-like-this').split('\n').length, 2, 'headers only');
  // Numbers are exact strings of the whole list's numbers.
  for (const bad of [' 4', '5', '0']) {
    assert.deepEqual(selector.choose(bad),
      { kind: 'invalid', number: null, count: null, warning: 'Invalid selection.', chosen: null, filter: 'staging' });
  }
  // A number the filtered view does not show still selects from the whole list.
  const picked = selector.choose('4');
  assert.equal(picked.kind, 'selected');
  assert.equal(picked.number, 4);
  assert.equal(picked.chosen.id, RESEARCH);
  assert.equal(picked.chosen.name, 'Fabrikam Research');
});

test('Enter on a filtered view of several rows returns to the whole list; a second Enter keeps the default', () => {
  const selector = new wasm.SubscriptionSelector(sample, 'c-1');
  const choice = selector.choose('dev');
  assert.equal(choice.kind, 'filtered');
  assert.equal(choice.count, 2);
  assert.equal(choice.filter, 'dev');
  // The view src/selector/tests.rs expects for "dev": rows [1] and [4], numbers of the full list.
  assert.equal(selector.render(choice.filter),
    'No    Subscription name    Subscription ID    Tenant\n' +
    '----  -------------------  -----------------  --------------\n' +
    '[1]   Contoso Dev          c-2                Contoso\n' +
    '[4]   Woodgrove Dev        w-1                Woodgrove Bank');
  assert.deepEqual(selector.rows('dev').map((r) => r.number), [1, 4]);

  const back = selector.choose('');
  assert.deepEqual(back, { kind: 'unfiltered', number: null, count: null, warning: null, chosen: null, filter: null });
  assert.equal(selector.render(back.filter ?? undefined), selector.render());
  assert.match(selector.render(), /^\[2\] \*  Contoso Production/m);

  const keep = selector.choose('');
  assert.equal(keep.kind, 'keep');
  assert.equal(keep.chosen.id, 'c-1');
  assert.equal(keep.chosen.number, 2);
});

test('Enter on a filtered view of one row selects it; a tenant name filters too', () => {
  const selector = new wasm.SubscriptionSelector(sample, 'c-1');
  assert.equal(selector.choose('fabrikam').count, 1);
  const chosen = selector.choose('');
  assert.equal(chosen.kind, 'selected');
  assert.equal(chosen.number, 3);
  assert.deepEqual([chosen.chosen.id, chosen.chosen.tenant], ['f-1', 't-2']);

  const byTenant = new wasm.SubscriptionSelector(sample, 'c-1');
  assert.deepEqual(byTenant.rows('woodgrove bank').map((r) => r.number), [4]);
  assert.deepEqual(byTenant.rows('t-2').map((r) => r.number), [3]);
  assert.deepEqual(byTenant.rows('  contoso  ').map((r) => r.number), [1, 2]);
  assert.deepEqual(byTenant.rows('').map((r) => r.number), [1, 2, 3, 4]);
});
