// Colour: ANSI SGR sequences (ECMA-48: 1 bold, 2 dim, 31–33 red, green, yellow; 22 and 39 end
// them) on a terminal, nothing when NO_COLOR is set or the stream is not a terminal.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { colourFor } from './ui.js';

const tty = { isTTY: true } as NodeJS.WriteStream;
const pipe = { isTTY: false } as NodeJS.WriteStream;

function withNoColor<T>(value: string | undefined, f: () => T): T {
  const before = process.env.NO_COLOR;
  if (value === undefined) delete process.env.NO_COLOR;
  else process.env.NO_COLOR = value;
  try {
    return f();
  } finally {
    if (before === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = before;
  }
}

test('colourFor: SGR codes on a terminal; a nested style is reopened after its inner end', () => {
  withNoColor(undefined, () => {
    const c = colourFor(tty);
    assert.equal(c.red('x'), '\x1b[31mx\x1b[39m');
    assert.equal(c.bold('run'), '\x1b[1mrun\x1b[22m');
    assert.equal(c.dim('d'), '\x1b[2md\x1b[22m');
    assert.equal(c.green('ok'), '\x1b[32mok\x1b[39m');
    assert.equal(c.yellow('w'), '\x1b[33mw\x1b[39m');
    assert.equal(c.red(`a ${c.green('b')} c`), '\x1b[31ma \x1b[32mb\x1b[39m\x1b[31m c\x1b[39m');
    assert.equal(c.red(''), '');
  });
});

test('colourFor: plain text when NO_COLOR is set (even empty) or the stream is not a terminal', () => {
  withNoColor('', () => assert.equal(colourFor(tty).red('x'), 'x'));
  withNoColor(undefined, () => assert.equal(colourFor(pipe).bold('x'), 'x'));
});
