// The filter language of `dwgd runs --where` and of the run browser's filter box (the page
// runs this same code: whereLanguage is self-contained, and run-browser.ts inlines its source).
//
//   filter     := or
//   or         := and ('or' and)*
//   and        := comparison ('and' comparison)*         (`and` binds tighter than `or`)
//   comparison := '(' or ')' | key op value
//   op         := =  !=  <  <=  >  >=
//   key        := a letter or _, then letters, digits, '_' and '.'   (lr, noise.sigma, dataset.name)
//   value      := a number, a word (anything but spaces, quotes, parentheses and = ! < >),
//                 or a quoted string ('…' or "…")
//
// `and` and `or` are words of their own, in any case. A comparison is true when the row's value
// of the key compares so with the value: numerically when both are numbers (lr=1e-3 matches
// 0.001), as text otherwise (`<` on text is by code point, so ISO times order as times). A list
// key (a run's tags) holds when some element does (`tag=good`), `!=` when none equals. A row
// without the key: `!=` holds, every other comparison fails. Lists of the config (hidden) are
// compared as their compact JSON text, [64,32] (spaces in a quoted value are ignored for them).

export type WhereValue = string | number | boolean | null | readonly string[];

export type WhereNode =
  | { kind: 'and' | 'or'; left: WhereNode; right: WhereNode }
  | { kind: 'cmp'; key: string; op: '=' | '!=' | '<' | '<=' | '>' | '>='; value: string; at: number };

export interface WhereLanguage {
  /** The tree of a filter; throws an Error whose message names the problem and where it is (1-based character). */
  parse(text: string): WhereNode;
  /** Whether a row passes: `get(key)` is the row's value of key (undefined when it has none). */
  test(node: WhereNode, get: (key: string) => WhereValue | undefined): boolean;
  /** Every comparison of a tree, in order (to check its keys and values against the rows). */
  comparisons(node: WhereNode): Extract<WhereNode, { kind: 'cmp' }>[];
  /** The value text as a number, or null when it is not one. */
  number(text: string): number | null;
}

/** The language; self-contained (no import, no outer name), so its source text runs in a browser too. */
export function whereLanguage(): WhereLanguage {
  type Tok = { t: 'word' | 'str' | 'op' | '(' | ')'; v: string; at: number };
  const OPS = ['!=', '<=', '>=', '=', '<', '>'];
  const KEY = /^[A-Za-z_][A-Za-z0-9_.]*$/;

  function show(s: string): string {
    return JSON.stringify(s).replace(/^"|"$/g, "'");
  }

  function lex(text: string): Tok[] {
    const out: Tok[] = [];
    let i = 0;
    while (i < text.length) {
      const c = text[i];
      if (/\s/.test(c)) {
        i++;
      } else if (c === '(' || c === ')') {
        out.push({ t: c, v: c, at: i + 1 });
        i++;
      } else if (c === "'" || c === '"') {
        const end = text.indexOf(c, i + 1);
        if (end < 0) throw new Error(`the quote at character ${i + 1} is not closed`);
        out.push({ t: 'str', v: text.slice(i + 1, end), at: i + 1 });
        i = end + 1;
      } else {
        const op = OPS.find((o) => text.startsWith(o, i));
        if (op) {
          out.push({ t: 'op', v: op, at: i + 1 });
          i += op.length;
        } else if (c === '!') {
          throw new Error(`'!' at character ${i + 1} is not an operator (=, !=, <, <=, >, >=)`);
        } else {
          let j = i;
          while (j < text.length && !/[\s()'"=!<>]/.test(text[j])) j++;
          out.push({ t: 'word', v: text.slice(i, j), at: i + 1 });
          i = j;
        }
      }
    }
    return out;
  }

  function parse(text: string): WhereNode {
    const toks = lex(text);
    if (toks.length === 0) throw new Error('empty: give comparisons such as method=dwm and n>=500');
    let p = 0;
    const isWord = (tok: Tok | undefined, w: string) => tok !== undefined && tok.t === 'word' && tok.v.toLowerCase() === w;
    const where = (tok: Tok | undefined) => (tok ? `at character ${tok.at}` : 'at the end');
    const what = (tok: Tok | undefined) => (tok ? (tok.t === 'str' ? `the string ${show(tok.v)}` : show(tok.v)) : 'nothing');

    function orExpr(): WhereNode {
      let left = andExpr();
      while (isWord(toks[p], 'or')) {
        p++;
        left = { kind: 'or', left, right: andExpr() };
      }
      return left;
    }
    function andExpr(): WhereNode {
      let left = comparison();
      while (isWord(toks[p], 'and')) {
        p++;
        left = { kind: 'and', left, right: comparison() };
      }
      return left;
    }
    function comparison(): WhereNode {
      const tok = toks[p];
      if (tok?.t === '(') {
        p++;
        const inner = orExpr();
        if (toks[p]?.t !== ')') throw new Error(`expected ')' ${where(toks[p])} to close the '(' at character ${tok.at}, found ${what(toks[p])}`);
        p++;
        return inner;
      }
      if (tok === undefined || tok.t !== 'word' || isWord(tok, 'and') || isWord(tok, 'or')) {
        throw new Error(`expected a key (a parameter or metric name) ${where(tok)}, found ${what(tok)}`);
      }
      if (!KEY.test(tok.v)) throw new Error(`${show(tok.v)} at character ${tok.at} is not a key (letters, digits, '_' and '.', starting with a letter)`);
      p++;
      const op = toks[p];
      if (op?.t !== 'op') throw new Error(`expected an operator (=, !=, <, <=, >, >=) after ${show(tok.v)} ${where(op)}, found ${what(op)}`);
      p++;
      const value = toks[p];
      if (value === undefined || (value.t !== 'word' && value.t !== 'str')) throw new Error(`expected a value after ${show(tok.v + op.v)} ${where(value)}, found ${what(value)}`);
      p++;
      return { kind: 'cmp', key: tok.v, op: op.v as '=', value: value.v, at: tok.at };
    }

    const tree = orExpr();
    if (p < toks.length) {
      const tok = toks[p];
      const hint = tok.t === 'word' && !isWord(tok, 'and') && !isWord(tok, 'or') ? ' (join comparisons with and / or)' : '';
      throw new Error(`unexpected ${what(tok)} at character ${tok.at}${hint}`);
    }
    return tree;
  }

  function number(text: string): number | null {
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim())) return null;
    const n = Number(text);
    return Number.isFinite(n) ? n : null;
  }

  function compareOne(have: string | number | boolean | null, op: string, want: string): boolean {
    if (have === null) return op === '!=';
    const wantNumber = number(want);
    let order: number;
    if (typeof have === 'number' && wantNumber !== null) {
      if (Number.isNaN(have)) return op === '!=';
      order = have < wantNumber ? -1 : have > wantNumber ? 1 : 0;
    } else {
      let a = String(have);
      let b = want;
      if (a.startsWith('[')) {
        a = a.replace(/\s+/g, '');
        b = b.replace(/\s+/g, '');
      }
      order = a < b ? -1 : a > b ? 1 : 0;
    }
    switch (op) {
      case '=':
        return order === 0;
      case '!=':
        return order !== 0;
      case '<':
        return order < 0;
      case '<=':
        return order <= 0;
      case '>':
        return order > 0;
      default:
        return order >= 0;
    }
  }

  function test(node: WhereNode, get: (key: string) => WhereValue | undefined): boolean {
    if (node.kind !== 'cmp') return node.kind === 'and' ? test(node.left, get) && test(node.right, get) : test(node.left, get) || test(node.right, get);
    const have = get(node.key);
    if (have === undefined) return node.op === '!=';
    if (Array.isArray(have)) {
      const list = have as readonly string[];
      return node.op === '!=' ? !list.some((x) => compareOne(x, '=', node.value)) : list.some((x) => compareOne(x, node.op, node.value));
    }
    return compareOne(have as string | number | boolean | null, node.op, node.value);
  }

  function comparisons(node: WhereNode): Extract<WhereNode, { kind: 'cmp' }>[] {
    return node.kind === 'cmp' ? [node] : [...comparisons(node.left), ...comparisons(node.right)];
  }

  return { parse, test, comparisons, number };
}

export const WHERE = whereLanguage();
