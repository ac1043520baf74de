// How user text (names, values, file names) is shown in messages: quoted, control characters
// escaped, so a newline or an escape sequence in a name cannot split or garble a one-line error.

/** `text` escaped so it prints on one line: control characters (C0, DEL, C1, U+2028/9) as \n, \t, \xHH or \uHHHH. */
export function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
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
