// How user text (names, values, file names) is shown in messages: quoted, control characters
// escaped, so a newline or an escape sequence in a name cannot split or garble a one-line error.

/** `text` escaped so it prints on one line: control characters (C0, DEL, C1, U+2028/9) as \n, \t, \xHH or \uHHHH. */
export function escapeControls(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.charCodeAt(0);
    const control = code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029;
    if (!control) out += c;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else out += code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return out;
}

/** User text (a name, a value) in a message: in single quotes, control characters escaped. */
export function quote(text: string): string {
  return `'${escapeControls(text)}'`;
}

/**
 * A file name in a message: as it is when it is plain (letters, digits and `/._-+@:,=~`), else
 * quoted with control characters escaped, so a space or a newline in it cannot hide where it ends.
 */
export function shownPath(path: string): string {
  return /^[A-Za-z0-9/._\-+@:,=~]+$/.test(path) ? path : quote(path);
}
