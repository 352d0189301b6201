// The terminal debugger's pure parts: reading command lines, Python structure from source text,
// Python string reprs, colour and width.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { COMMANDS, parseBreakSpec, parseInput, parseRange, UsageError } from "../src/cli/commands.js";
import {
  codeLinesBetween,
  functionExtent,
  highlight,
  parameterNames,
  splitSource,
} from "../src/cli/listing.js";
import { decodePythonString } from "../src/cli/pyliteral.js";
import { splitCommandLine } from "../src/cli/run.js";
import { oneLineMessage, palette, truncate } from "../src/cli/terminal.js";
import { PDAP_BIN } from "../src/client/client.js";

function commandOf(line: string): string | undefined {
  const input = parseInput(line);
  return input.kind === "command" ? input.command.name : input.kind;
}

describe("command lines", () => {
  it("knows pdb's abbreviations", () => {
    const expected: Record<string, string> = {
      b: "break",
      cl: "clear",
      c: "continue",
      cont: "continue",
      n: "next",
      s: "step",
      r: "return",
      unt: "until",
      j: "jump",
      w: "where",
      bt: "where",
      u: "up",
      d: "down",
      l: "list",
      ll: "longlist",
      p: "print",
      a: "args",
      rv: "retval",
      h: "help",
      q: "quit",
      exit: "quit",
    };
    for (const [word, name] of Object.entries(expected)) assert.equal(commandOf(word), name, word);
  });

  it("takes Python that starts with a command's name as Python", () => {
    for (const line of ["n = 5", "c.x", "l[0]", "s()", "a, b = 1, 2", "p += 1", "x", "!c"]) {
      assert.equal(commandOf(line), "python", line);
    }
    assert.equal(commandOf("p (1, 2)"), "print");
    assert.equal(commandOf("b 12, x == 1"), "break");
    assert.equal(commandOf("   "), "empty");
  });

  it("parses breakpoint locations and conditions", () => {
    assert.deepEqual(parseBreakSpec("12"), { location: { kind: "line", line: 12 }, condition: undefined });
    assert.deepEqual(parseBreakSpec("app.py:3, x > 1, y"), {
      location: { kind: "line", file: "app.py", line: 3 },
      condition: "x > 1, y",
    });
    assert.deepEqual(parseBreakSpec("mod.func").location, { kind: "function", name: "mod.func" });
    assert.throws(() => parseBreakSpec("3x"), UsageError);
    assert.throws(() => parseBreakSpec("app.py:0"), UsageError);
  });

  it("reads list ranges, a last line below the first being a count", () => {
    assert.deepEqual(parseRange("10"), { first: 10 });
    assert.deepEqual(parseRange("10, 20"), { first: 10, last: 20 });
    assert.deepEqual(parseRange("10, 3"), { first: 10, last: 13 });
  });

  it("has help for every command", () => {
    for (const command of COMMANDS) assert.ok(command.help.length > 10, command.name);
  });

  it("splits an adapter command line with quotes", () => {
    assert.deepEqual(splitCommandLine(`"/opt/my python/bin/python3" -m debugpy.adapter`), [
      "/opt/my python/bin/python3",
      "-m",
      "debugpy.adapter",
    ]);
  });
});

describe("Python structure from source text", () => {
  const source = splitSource(
    [
      "import functools",
      "",
      "@functools.cache",
      "def compute(a, b: int = 2,",
      "            *rest, key=(1, 2), **options) -> int:",
      "    total = a + b  # body",
      "",
      "    # a comment at the left edge",
      "    return total",
      "",
      "class Thing:",
      "    def method(self, x):",
      "        return x",
      "print(compute(1))",
    ].join("\n"),
  );

  it("finds a function's extent by indentation, decorators and a multi-line header included", () => {
    assert.deepEqual(functionExtent(source, 6, "compute"), { first: 3, defLine: 4, headerEnd: 5, last: 9 });
    assert.deepEqual(functionExtent(source, 13, "method"), {
      first: 12,
      defLine: 12,
      headerEnd: 12,
      last: 13,
    });
    assert.equal(functionExtent(source, 14, "compute"), undefined);
  });

  it("reads parameter names", () => {
    const extent = functionExtent(source, 6, "compute");
    assert.ok(extent);
    assert.deepEqual(parameterNames(source, extent), ["a", "b", "rest", "key", "options"]);
  });

  it("lists the code lines where until may stop", () => {
    assert.deepEqual(codeLinesBetween(source, 6, 9), [9]);
  });
});

describe("text", () => {
  it("decodes Python str reprs", () => {
    assert.equal(decodePythonString(`'it\\'s\\n\\x41\\u00e9'`), "it's\nAé");
    assert.equal(decodePythonString(`"say 'hi'"`), "say 'hi'");
    assert.equal(decodePythonString("42"), undefined);
  });

  it("colours Python, carrying triple-quoted strings across lines", () => {
    const colour = palette(true);
    const [first, second, third] = highlight(
      ['x = """start', "middle # not a comment", 'end""" # comment'],
      colour,
    );
    assert.ok(first.includes(colour.green('"""start')));
    assert.equal(second, colour.green("middle # not a comment"));
    assert.ok(third.includes(colour.dim("# comment")));
    assert.deepEqual(highlight(["def f(): pass"], palette(false)), ["def f(): pass"]);
  });

  it("cuts to the width with an ellipsis", () => {
    assert.equal(truncate("abcdef", 4), "abc…");
    assert.equal(truncate("abc", 4), "abc");
    assert.equal(truncate("abc", Number.POSITIVE_INFINITY), "abc");
  });

  it("keeps the last line of a traceback as the one-line error", () => {
    const traceback = 'Traceback (most recent call last):\n  File "<string>", line 1\nNameError: name x';
    assert.equal(oneLineMessage(traceback), "NameError: name x");
    assert.equal(oneLineMessage("a\nb"), "a b");
  });
});

describe("the pdap command", () => {
  it("prints its version, the package's", () => {
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    const printed = execFileSync(process.execPath, [PDAP_BIN, "--version"], { encoding: "utf8" });
    assert.equal(printed.trim(), version);
  });
});
