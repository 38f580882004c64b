/**
 * Where malformed JSON goes wrong. V8's `JSON.parse` errors quote a snippet but no position, and a
 * hand-edited fixture deserves "line 60, column 20". This validator runs only after `JSON.parse`
 * has failed, so it is written for clarity, not speed.
 */

/** Thrown inside the scanner with the offset of the first bad character. */
class SyntaxAt {
  readonly at: number;
  constructor(at: number) {
    this.at = at;
  }
}

function scan(text: string): void {
  let i = 0;
  const fail = (at = i): never => {
    throw new SyntaxAt(at);
  };
  const expect = (ch: string) => {
    if (text[i] !== ch) fail();
    i++;
  };
  const space = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const literal = (word: string) => {
    for (const ch of word) expect(ch);
  };
  const string = () => {
    expect('"');
    for (;;) {
      const ch = text[i];
      if (ch === undefined || ch < ' ') fail();
      i++;
      if (ch === '"') return;
      if (ch !== '\\') continue;
      const esc = text[i];
      if (esc === 'u') {
        for (let k = 1; k <= 4; k++) if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) fail(i + k);
        i += 5;
      } else if (esc !== undefined && '"\\/bfnrt'.includes(esc)) {
        i++;
      } else {
        fail();
      }
    }
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!match) fail();
    i += match![0].length;
  };
  const list = (close: string, item: () => void) => {
    i++;
    space();
    if (text[i] === close) {
      i++;
      return;
    }
    for (;;) {
      item();
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      expect(',');
    }
  };
  const member = () => {
    space();
    string();
    space();
    expect(':');
    value();
  };
  const value = (): void => {
    space();
    const ch = text[i];
    if (ch === '{') list('}', member);
    else if (ch === '[') list(']', value);
    else if (ch === '"') string();
    else if (ch === 't') literal('true');
    else if (ch === 'f') literal('false');
    else if (ch === 'n') literal('null');
    else if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) number();
    else fail();
  };
  value();
  space();
  if (i < text.length) fail();
}

/** The line and column (both 1-based) of the first syntax error in `text`, or undefined if none. */
export function locateJsonError(text: string): { line: number; column: number } | undefined {
  try {
    scan(text);
    return undefined;
  } catch (err) {
    if (!(err instanceof SyntaxAt)) throw err;
    const before = text.slice(0, err.at);
    return { line: before.split('\n').length, column: err.at - before.lastIndexOf('\n') };
  }
}
