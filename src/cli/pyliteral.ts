// Reading back the repr of a Python str: an adapter's evaluate answers with repr(value), and some
// commands (pp, function breakpoints) evaluate to a string whose text is what they need.

const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  n: "\n",
  r: "\r",
  t: "\t",
  a: "\x07",
  b: "\b",
  f: "\f",
  v: "\v",
  "0": "\0",
};

/** The text of a Python str repr ('...' or "..."), or undefined when `repr` is not one. */
export function decodePythonString(repr: string): string | undefined {
  const text = repr.trim();
  const quote = text[0];
  if ((quote !== "'" && quote !== '"') || text.length < 2 || text[text.length - 1] !== quote)
    return undefined;
  const body = text.slice(1, -1);
  let result = "";
  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    if (char !== "\\") {
      result += char;
      continue;
    }
    const next = body[i + 1];
    const width = next === "x" ? 2 : next === "u" ? 4 : next === "U" ? 8 : 0;
    if (width > 0) {
      const hex = body.slice(i + 2, i + 2 + width);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== width) return undefined;
      result += String.fromCodePoint(Number.parseInt(hex, 16));
      i += 1 + width;
    } else if (next !== undefined && next in SIMPLE_ESCAPES) {
      result += SIMPLE_ESCAPES[next];
      i += 1;
    } else {
      result += char;
    }
  }
  return result;
}
