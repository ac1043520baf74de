// The filter language of `dwgd runs --where` and the run browser (where.ts), on hand-made rows
// whose expected matches are worked out by hand from the rules in where.ts's header.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WHERE, whereLanguage, type WhereValue } from './where.js';

type Row = Record<string, WhereValue>;
const ROWS: Row[] = [
  { id: 'a', method: 'dwm', n: 100, lr: 0.001, hidden: '[20]', clean: 0.91, tag: ['good'], started: '2025-11-26T09:30:00Z' },
  { id: 'b', method: 'sgd', n: 500, lr: 0.001, hidden: '[64,32]', clean: 0.88, tag: [], started: '2025-11-27T10:00:00Z' },
  { id: 'c', method: 'dwm', n: 1000, lr: 0.01, hidden: '[20]', clean: Number.NaN, tag: ['good', 'paper'], started: '2025-12-01T08:00:00Z' },
  { id: 'd', method: 'dwm-stable', n: 500, lr: 0.002, hidden: '[20]', clean: 0.9, tag: ['bad'], started: '2025-12-02T08:00:00Z', 'labelNoise.fraction': 0.2 },
];

function matches(text: string, language = WHERE): string[] {
  const tree = language.parse(text);
  return ROWS.filter((r) => language.test(tree, (k) => r[k])).map((r) => r.id as string);
}

test('comparisons: numbers compare as numbers (1e-3 is 0.001), text as text, every operator', () => {
  assert.deepEqual(matches('method=dwm'), ['a', 'c']);
  assert.deepEqual(matches('method!=dwm'), ['b', 'd']);
  assert.deepEqual(matches('n>=500'), ['b', 'c', 'd']);
  assert.deepEqual(matches('n>500'), ['c']);
  assert.deepEqual(matches('n<500'), ['a']);
  assert.deepEqual(matches('n<=500'), ['a', 'b', 'd']);
  assert.deepEqual(matches('lr=1e-3'), ['a', 'b']);
  assert.deepEqual(matches('lr = .002'), ['d'], 'spaces around the operator, a leading dot');
  // Text orders by code point, so ISO times order as times.
  assert.deepEqual(matches('started>=2025-12-01'), ['c', 'd']);
  assert.deepEqual(matches('method<dwm-stable'), ['a', 'c'], "'dwm' < 'dwm-stable' < 'sgd'");
});

test('and binds tighter than or; parentheses group; keywords in any case', () => {
  // method=sgd or (method=dwm and n>=500): b, c.
  assert.deepEqual(matches('method=sgd or method=dwm and n>=500'), ['b', 'c']);
  // (method=sgd or method=dwm) and n>=500: b, c.
  assert.deepEqual(matches('(method=sgd or method=dwm) and n>=500'), ['b', 'c']);
  // method=sgd or method=dwm, then and n<500: a only.
  assert.deepEqual(matches('(method=sgd or method=dwm) AND n<500'), ['a']);
  assert.deepEqual(matches('method=dwm OR method=sgd'), ['a', 'b', 'c']);
});

test('lists (tags) hold when an element does, != when none does; a missing key passes only !=; NaN passes only !=', () => {
  assert.deepEqual(matches('tag=good'), ['a', 'c']);
  assert.deepEqual(matches('tag!=good'), ['b', 'd']);
  assert.deepEqual(matches('tag=good and tag=paper'), ['c']);
  assert.deepEqual(matches('labelNoise.fraction>0.1'), ['d']);
  assert.deepEqual(matches('labelNoise.fraction!=0.2'), ['a', 'b', 'c']);
  assert.deepEqual(matches('clean>0.5'), ['a', 'b', 'd']);
  assert.deepEqual(matches('clean!=0.5'), ['a', 'b', 'c', 'd']);
});

test('quoted values; config lists compared as compact JSON, spaces ignored', () => {
  assert.deepEqual(matches("method='dwm-stable'"), ['d']);
  assert.deepEqual(matches('method="dwm"'), ['a', 'c']);
  assert.deepEqual(matches('hidden=[64,32]'), ['b']);
  assert.deepEqual(matches("hidden='[64, 32]'"), ['b']);
  assert.deepEqual(matches('hidden=[20]'), ['a', 'c', 'd']);
});

test('a bad filter is one line naming the problem and where it is', () => {
  const problem = (text: string) => {
    try {
      WHERE.parse(text);
    } catch (e) {
      return (e as Error).message;
    }
    return null;
  };
  assert.equal(problem(''), 'empty: give comparisons such as method=dwm and n>=500');
  assert.equal(problem('lr 0.1'), "expected an operator (=, !=, <, <=, >, >=) after 'lr' at character 4, found '0.1'");
  assert.equal(problem('lr='), "expected a value after 'lr=' at the end, found nothing");
  assert.equal(problem('method=dwm n>5'), "unexpected 'n' at character 12 (join comparisons with and / or)");
  assert.equal(problem('method=dwm and'), 'expected a key (a parameter or metric name) at the end, found nothing');
  assert.equal(problem('(method=dwm'), "expected ')' at the end to close the '(' at character 1, found nothing");
  assert.equal(problem("method='dwm"), 'the quote at character 8 is not closed');
  assert.equal(problem('method!dwm'), "'!' at character 7 is not an operator (=, !=, <, <=, >, >=)");
  assert.equal(problem('3x=1'), "'3x' at character 1 is not a key (letters, digits, '_' and '.', starting with a letter)");
  assert.equal(problem('a==1'), "expected a value after 'a=' at character 3, found '='");
  for (const text of ['', 'lr 0.1', 'x=\n', 'a=1 b']) {
    const p = problem(text);
    assert.ok(p !== null && !p.includes('\n'), `one line for ${JSON.stringify(text)}`);
  }
});

test('the language is self-contained: its source text, evaluated alone (as the run browser does), filters the same', () => {
  const alone = new Function(`return (${whereLanguage.toString()})();`)() as typeof WHERE;
  for (const text of ['method=dwm', 'method=sgd or method=dwm and n>=500', 'tag!=good', 'hidden=[64,32]', 'lr=1e-3']) {
    assert.deepEqual(matches(text, alone), matches(text), text);
  }
  assert.deepEqual(alone.comparisons(alone.parse('a=1 and (b<2 or c>3)')).map((c) => c.key), ['a', 'b', 'c']);
});
