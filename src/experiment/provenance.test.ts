// The code fingerprint reads code, not prose: comments and layout leave it alone, a change to
// what runs moves it.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeIdentity, codeTokens } from './provenance.js';

test('codeTokens ignores comments, layout, quote style, number spelling, parentheses and trailing commas', () => {
  const a = "const x = 1.0; // one\n/* note */ let y = 's//t';\nconst r = /ab+c/g;\nf(a, b,);\nconst t = `a${x}b`;\nconst z = a?.b !== undefined && c;\n";
  const b = 'const x=1;\n\n\nlet y = "s//t";  const r = /ab+c/g\nf(\n  a,\n  b\n)\nconst t = `a${x}b`;\nconst z = (a?.b !== undefined) && c;';
  assert.equal(codeTokens(a), codeTokens(b));
});

test('codeTokens changes with the code: a value, an operator, a name, a regular expression', () => {
  const base = 'const x = a + 1; const r = /ab/g; f(1n);';
  for (const other of ['const x = a + 2; const r = /ab/g; f(1n);', 'const x = a - 1; const r = /ab/g; f(1n);', 'const x = b + 1; const r = /ab/g; f(1n);', 'const x = a + 1; const r = /ab/i; f(1n);', 'const x = a + 1; const r = /ab/g; f(2n);']) {
    assert.notEqual(codeTokens(other), codeTokens(base), other);
  }
  // Parentheses that change the order of operations do count.
  assert.notEqual(codeTokens('x = (a + 1) * 2;'), codeTokens('x = a + 1 * 2;'));
});

test('codeIdentity: the package version and a 16-hex-digit fingerprint, the same on every call', () => {
  const c = codeIdentity();
  assert.match(c.fingerprint, /^[0-9a-f]{16}$/);
  assert.equal(codeIdentity().fingerprint, c.fingerprint);
});
