// Finds where a JSON pointer's value sits in JSON text, so the server's issues can be underlined in
// the editor. A small scanner: it skips values it does not need and stops at the target.

export interface TextRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The offsets of the value at `pointer` (or of the deepest parent that exists), null when the text
 * does not parse that far.
 * @example locatePointer('{"a":[1,2]}', '/a/1') // { start: 8, end: 9 }
 */
export function locatePointer(text: string, pointer: string): TextRange | null {
  const path = pointer
    .split('/')
    .slice(1)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const string = (): string | null => {
    if (text[i] !== '"') return null;
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return null;
    }
  };
  // Skips one value; returns false on malformed text.
  const skip = (): boolean => {
    ws();
    const c = text[i];
    if (c === '"') return string() !== null;
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) return (i++, true);
      for (;;) {
        ws();
        if (c === '{') {
          if (string() === null) return false;
          ws();
          if (text[i++] !== ':') return false;
        }
        if (!skip()) return false;
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === close) return (i++, true);
        else return false;
      }
    }
    const m = /^(-?\d[\d.eE+-]*|true|false|null)/.exec(text.slice(i, i + 40));
    if (!m) return false;
    i += m[0].length;
    return true;
  };
  // Descends into the value at i along path[depth..].
  const find = (depth: number): TextRange | null => {
    ws();
    const start = i;
    if (depth === path.length) return skip() ? { start, end: i } : null;
    const c = text[i];
    const here = () => (skip() ? { start, end: i } : null);
    if (c !== '{' && c !== '[') return here();
    i++;
    let index = 0;
    for (;;) {
      ws();
      if (text[i] === '}' || text[i] === ']') {
        i = start;
        return here();
      }
      let key: string | null = String(index);
      if (c === '{') {
        key = string();
        ws();
        if (key === null || text[i++] !== ':') return null;
      }
      if (key === path[depth]) return find(depth + 1);
      if (!skip()) return null;
      ws();
      if (text[i] === ',') i++;
      index++;
    }
  };
  return find(0);
}
