/**
 * Finds the `require("...")` calls in a module's CommonJS output. SWC has already erased type-only
 * imports and turned every `import`/`export ... from`/`import()` into such a call, so this list is
 * exactly what the module loads at run time. A small lexer skips comments, strings, templates and
 * regular expressions, so text that merely looks like a require (a doc comment, a string) is ignored.
 */

/** A `require` call with a string literal argument, at a 0-based line/column of the output. */
export interface RequireSite {
  specifier: string;
  line: number;
  column: number;
}

const KEYWORDS_BEFORE_EXPRESSION = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
]);

function isIdentChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 36 || c === 95 || c > 127
  );
}

/** Scans `code` and returns its static `require('x')` calls in source order. */
export function findRequires(code: string): RequireSite[] {
  const sites: RequireSite[] = [];
  const n = code.length;
  let i = 0;
  let line = 0;
  let lineStart = 0;
  // What the last significant token was: decides whether `/` starts a regex or divides.
  let lastWord = '';
  let lastPunct = '(';
  let lastWasValue = false;
  // Brace depth at which each open template's `${` started.
  const templateStack: number[] = [];
  let braceDepth = 0;

  const skipString = (quote: number): void => {
    i++;
    while (i < n) {
      const c = code.charCodeAt(i);
      if (c === 92) i += 2;
      else if (c === quote) {
        i++;
        return;
      } else if (c === 10) return;
      else i++;
    }
  };
  const skipTemplate = (): void => {
    // At the character after '`' or after the '}' closing a substitution.
    while (i < n) {
      const c = code.charCodeAt(i);
      if (c === 92) i += 2;
      else if (c === 96) {
        i++;
        return;
      } else if (c === 36 && code.charCodeAt(i + 1) === 123) {
        i += 2;
        templateStack.push(braceDepth);
        braceDepth++;
        return;
      } else {
        if (c === 10) {
          line++;
          lineStart = i + 1;
        }
        i++;
      }
    }
  };
  const skipRegex = (): void => {
    i++;
    let inClass = false;
    while (i < n) {
      const c = code.charCodeAt(i);
      if (c === 92) i += 2;
      else if (c === 10) return;
      else {
        i++;
        if (c === 91) inClass = true;
        else if (c === 93) inClass = false;
        else if (c === 47 && !inClass) break;
      }
    }
    while (i < n && isIdentChar(code.charCodeAt(i))) i++;
  };
  const skipSpace = (from: number): number => {
    let j = from;
    while (j < n) {
      const c = code.charCodeAt(j);
      if (c === 32 || c === 9 || c === 10 || c === 13) j++;
      else break;
    }
    return j;
  };

  while (i < n) {
    const c = code.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = ++i;
      continue;
    }
    if (c === 32 || c === 9 || c === 13) {
      i++;
      continue;
    }
    if (c === 47 && code.charCodeAt(i + 1) === 47) {
      while (i < n && code.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (c === 47 && code.charCodeAt(i + 1) === 42) {
      const end = code.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      for (let j = i; j < stop; j++) {
        if (code.charCodeAt(j) === 10) {
          line++;
          lineStart = j + 1;
        }
      }
      i = stop;
      continue;
    }
    if (c === 39 || c === 34) {
      skipString(c);
      lastWasValue = true;
      lastWord = '';
      lastPunct = '';
      continue;
    }
    if (c === 96) {
      i++;
      skipTemplate();
      lastWasValue = true;
      lastWord = '';
      lastPunct = '';
      continue;
    }
    if (c === 47) {
      const regexAllowed = !lastWasValue || KEYWORDS_BEFORE_EXPRESSION.has(lastWord);
      if (regexAllowed) {
        skipRegex();
        lastWasValue = true;
        lastWord = '';
        lastPunct = '';
      } else {
        i++;
        lastWasValue = false;
        lastWord = '';
        lastPunct = '/';
      }
      continue;
    }
    if (isIdentChar(c)) {
      const start = i;
      while (i < n && isIdentChar(code.charCodeAt(i))) i++;
      const word = code.slice(start, i);
      if (word === 'require' && lastPunct !== '.') {
        const site = matchCall(code, skipSpace(i));
        if (site) sites.push({ specifier: site, line, column: start - lineStart });
      }
      lastWord = word;
      lastWasValue = true;
      lastPunct = '';
      continue;
    }
    // Punctuation.
    if (c === 123) braceDepth++;
    else if (c === 125) {
      braceDepth--;
      if (templateStack.length > 0 && templateStack[templateStack.length - 1] === braceDepth) {
        templateStack.pop();
        i++;
        skipTemplate();
        lastWasValue = true;
        lastWord = '';
        continue;
      }
    }
    lastPunct = String.fromCharCode(c);
    lastWasValue = c === 41 || c === 93 || c === 125;
    lastWord = '';
    i++;
  }
  return sites;

  function matchCall(src: string, at: number): string | undefined {
    if (src.charCodeAt(at) !== 40) return undefined;
    let j = skipSpace(at + 1);
    const quote = src.charCodeAt(j);
    if (quote !== 39 && quote !== 34) return undefined;
    const end = src.indexOf(String.fromCharCode(quote), j + 1);
    if (end < 0) return undefined;
    const value = src.slice(j + 1, end);
    if (value.includes('\\') || value.includes('\n')) return undefined;
    j = skipSpace(end + 1);
    return src.charCodeAt(j) === 41 ? value : undefined;
  }
}
