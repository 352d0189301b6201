// vscode/package.json, the VS Code manifest for debug type `pdap`, agrees with what the adapter
// really accepts (attribute names, defaults, types, snippets), and its adapter shim serves DAP.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  ATTACH_ATTRIBUTES,
  ConfigError,
  LAUNCH_ATTRIBUTES,
  parseAttach,
  parseLaunch,
} from "../src/adapter/config.js";
import { DapClient } from "../src/client/client.js";
import { DapConnection } from "../src/dap/connection.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const VSCODE = path.join(ROOT, "vscode");

interface PropertySchema {
  type?: string | string[];
  enum?: string[];
  default?: unknown;
  description?: string;
  deprecationMessage?: string;
  properties?: Record<string, PropertySchema>;
  items?: PropertySchema;
  required?: string[];
}

type Configuration = Record<string, unknown>;

interface DebuggerContribution {
  type: string;
  label: string;
  languages: string[];
  runtime?: string;
  program?: string;
  configurationAttributes: Record<"launch" | "attach", { properties: Record<string, PropertySchema> }>;
  initialConfigurations: Configuration[];
  configurationSnippets: Array<{ label: string; description?: string; body: Configuration }>;
}

interface Manifest {
  name: string;
  publisher: string;
  type?: string;
  engines: { vscode: string };
  categories: string[];
  activationEvents?: string[];
  main?: string;
  contributes: {
    debuggers: DebuggerContribution[];
    breakpoints: Array<{ language: string }>;
    commands: Array<{ command: string; title: string; category?: string }>;
  };
}

const manifest = JSON.parse(readFileSync(path.join(VSCODE, "package.json"), "utf8")) as Manifest;
const debuggerOf = (m: Manifest) => {
  const found = m.contributes.debuggers.find((d) => d.type === "pdap");
  assert.ok(found, "contributes.debuggers has no type 'pdap'");
  return found;
};
const pdap = debuggerOf(manifest);
const schema = {
  launch: pdap.configurationAttributes.launch.properties,
  attach: pdap.configurationAttributes.attach.properties,
};

const sorted = (names: Iterable<string>) => [...new Set(names)].sort();

/** The attribute names a parser reads from its arguments, over a few argument sets (one per branch). */
function attributesRead(parse: (args: Configuration) => unknown, probes: Configuration[]): string[] {
  const read = new Set<string>();
  for (const probe of probes) {
    const spy = new Proxy(probe, {
      get(target, name, receiver) {
        if (typeof name === "string") read.add(name);
        return Reflect.get(target, name, receiver);
      },
    });
    try {
      parse(spy);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
    }
  }
  return sorted(read);
}

it("the manifest registers debug type pdap for Python, with the extension that starts the adapter", () => {
  assert.equal(manifest.name, "pdap-debug");
  assert.equal(manifest.publisher, "pdap");
  assert.equal(
    manifest.engines.vscode,
    "^1.90.0",
    "VS Code bundles the Node.js 20 the adapter needs from 1.90",
  );
  assert.deepEqual(manifest.categories, ["Debuggers"]);
  // VS Code rejects activationEvents without a main: the extension is real code
  assert.equal(manifest.main, "./dist/extension.js");
  assert.ok(existsSync(path.join(VSCODE, manifest.main)), "npm run build bundles the extension");
  assert.ok(manifest.activationEvents?.includes("onDebugResolve:pdap"));
  assert.deepEqual(manifest.contributes.breakpoints, [{ language: "python" }]);
  assert.deepEqual(
    manifest.contributes.commands.map((c) => `${c.category}: ${c.title}`),
    ["pdap: Attach to a running program"],
  );
  assert.equal(pdap.label, "Python (pdap)");
  assert.deepEqual(pdap.languages, ["python"]);
  // the extension's DebugAdapterDescriptorFactory starts dist/adapter.mjs: no program to declare
  assert.equal(pdap.runtime, undefined);
  assert.equal(pdap.program, undefined);
  // VS Code loads the extension with require(), so its bundle is CommonJS
  assert.notEqual(manifest.type, "module");
});

it("the schema lists exactly the attributes parseLaunch and parseAttach read", () => {
  const launchRead = attributesRead(parseLaunch, [{ program: "x" }, {}]);
  const attachRead = attributesRead(parseAttach, [{}, { port: 1 }, { connect: { port: 1 } }, { listen: 0 }]);
  assert.deepEqual(launchRead, sorted(LAUNCH_ATTRIBUTES));
  assert.deepEqual(attachRead, sorted(ATTACH_ATTRIBUTES));

  // every `args.NAME` and `(args, "NAME"` in the source, including branches the probes miss
  const source = readFileSync(path.join(ROOT, "src", "adapter", "config.ts"), "utf8");
  const inSource = [...source.matchAll(/\bargs\.(\w+)|\(args, "(\w+)"/g)].map((m) => m[1] ?? m[2]);
  assert.deepEqual(sorted(inSource), sorted([...LAUNCH_ATTRIBUTES, ...ATTACH_ATTRIBUTES]));

  assert.deepEqual(sorted(Object.keys(schema.launch)), sorted(LAUNCH_ATTRIBUTES));
  assert.deepEqual(sorted(Object.keys(schema.attach)), sorted(ATTACH_ATTRIBUTES));
  for (const [kind, properties] of Object.entries(schema)) {
    for (const [name, property] of Object.entries(properties)) {
      assert.ok(property.description, `${kind}.${name} has a description`);
    }
  }
});

/** Schema defaults against the parsed result of a minimal configuration: both ways. */
function assertDefaults(
  kind: string,
  properties: Record<string, PropertySchema>,
  given: Configuration,
  parsed: object,
): void {
  const result = parsed as Record<string, unknown>;
  for (const [name, property] of Object.entries(properties)) {
    if (name in given) continue;
    if ("default" in property) {
      assert.deepEqual(property.default, result[name], `${kind}.${name}: schema default vs adapter`);
    } else if (name in result) {
      assert.equal(result[name], undefined, `${kind}.${name}: the adapter defaults it, the schema does not`);
    }
  }
  for (const [name, value] of Object.entries(result)) {
    if (!(name in given) && value !== undefined)
      assert.ok(
        name in properties && "default" in properties[name],
        `${kind}.${name} needs a schema default`,
      );
  }
}

it("schema defaults and enums are the adapter's", () => {
  const launchGiven = { program: "x" };
  assertDefaults("launch", schema.launch, launchGiven, parseLaunch(launchGiven));
  const attachGiven = { connect: { port: 1 } };
  assertDefaults("attach", schema.attach, attachGiven, parseAttach(attachGiven));

  for (const name of ["connect", "listen"] as const) {
    const host = schema.attach[name].properties?.host?.default;
    assert.equal(host, parseAttach({ [name]: { port: 1 } })[name]?.host, `${name}.host default`);
    assert.deepEqual(schema.attach[name].required, ["port"]);
  }

  const consoles = schema.launch.console.enum ?? [];
  assert.deepEqual(consoles, ["internalConsole", "integratedTerminal", "externalTerminal"]);
  for (const value of consoles) assert.equal(parseLaunch({ program: "x", console: value }).console, value);
  assert.throws(() => parseLaunch({ program: "x", console: "newWindow" }), ConfigError);

  const backends = readFileSync(path.join(ROOT, "python", "pdap", "backends", "__init__.py"), "utf8");
  for (const value of schema.launch.backend.enum ?? [])
    assert.match(backends, new RegExp(`"${value}"`), `backend ${value} exists`);
});

/** A value of each JSON type; SAMPLE_FOR has the ones an attribute needs to be valid. */
const SAMPLES: Record<string, unknown> = {
  string: "s",
  boolean: true,
  number: 1.5,
  integer: 1,
  array: ["s"],
  object: {},
};
const SAMPLE_FOR: Record<string, unknown> = {
  "attach.connect.object": { port: 1 },
  "attach.connect.string": "localhost:1",
  "attach.listen.object": { port: 1 },
  "attach.listen.string": "localhost:1",
  "attach.port.string": "1",
  "attach.processId.string": "1234", // as ${command:pickProcess} gives it
  "attach.pathMappings.array": [{ localRoot: "/here", remoteRoot: "/there" }],
};
/** The name a parser's error gives for an attribute that is an alias. */
const REPORTED_AS: Record<string, string> = { pythonPath: "python", host: "connect", port: "connect" };

const PARSERS = [
  {
    kind: "launch",
    parse: parseLaunch,
    base: (name: string): Configuration =>
      ["program", "module", "code"].includes(name) ? {} : { program: "x" },
  },
  {
    kind: "attach",
    parse: parseAttach,
    base: (name: string): Configuration =>
      name === "host"
        ? { port: 1 }
        : ["connect", "listen", "port", "processId"].includes(name)
          ? {}
          : { connect: { port: 1 } },
  },
] as const;

it("every type the schema allows is accepted, and every other type refused naming the attribute", () => {
  for (const { kind, parse, base } of PARSERS) {
    for (const [name, property] of Object.entries(schema[kind])) {
      if (property.type === undefined) continue;
      const allowed = new Set([property.type].flat());
      if (allowed.has("number")) allowed.add("integer");
      for (const type of Object.keys(SAMPLES)) {
        const sample = allowed.has(type)
          ? (property.enum?.[0] ?? SAMPLE_FOR[`${kind}.${name}.${type}`] ?? SAMPLES[type])
          : SAMPLES[type];
        const what = `${kind}.${name} = ${JSON.stringify(sample)} (${type})`;
        if (allowed.has(type)) {
          assert.doesNotThrow(() => parse({ ...base(name), [name]: sample }), `${what} should be accepted`);
          continue;
        }
        assert.throws(
          () => parse({ ...base(name), [name]: sample }),
          (error: Error) =>
            error instanceof ConfigError && error.message.includes(`'${REPORTED_AS[name] ?? name}`),
          `${what} should be refused`,
        );
      }
    }
  }
});

/** A configuration snippet body as VS Code inserts it: placeholders at their defaults, ^ raw JSON. */
function unsnippet(value: unknown): unknown {
  if (typeof value === "string") {
    const text = value.replace(/(?<!\\)\$\{\d+:([^}]*)\}/g, "$1").replace(/\\\$/g, "$");
    return text.startsWith("^") ? JSON.parse(text.slice(1)) : text;
  }
  if (Array.isArray(value)) return value.map(unsnippet);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, unsnippet(item)]));
  return value;
}

it("initial configurations and snippets are configurations the adapter accepts", () => {
  assert.deepEqual(
    pdap.configurationSnippets.map((s) => s.label),
    ["pdap: Launch current file", "pdap: Launch module", "pdap: Remote attach"],
  );
  const configurations = [
    ...pdap.initialConfigurations.map((c) => ({ where: `initial ${c.name}`, config: c })),
    ...pdap.configurationSnippets.map((s) => {
      // a bare ${variable} in a snippet is a snippet variable, not a launch.json one: it must be \${…}
      const raw = JSON.stringify(s.body);
      assert.doesNotMatch(raw, /(?<!\\\\)\$\{(?!\d)/, `snippet ${s.label}: escape \${…} variables`);
      return { where: `snippet ${s.label}`, config: unsnippet(s.body) as Configuration };
    }),
  ];
  assert.ok(configurations.length >= 4);
  for (const { where, config } of configurations) {
    assert.equal(config.type, "pdap", where);
    assert.equal(typeof config.name, "string", where);
    const properties = config.request === "launch" ? schema.launch : schema.attach;
    assert.ok(config.request === "launch" || config.request === "attach", where);
    for (const name of Object.keys(config)) {
      if (!["type", "request", "name"].includes(name)) assert.ok(name in properties, `${where}: ${name}`);
    }
    assert.doesNotThrow(
      () => (config.request === "launch" ? parseLaunch(config) : parseAttach(config)),
      where,
    );
  }
  const attach = configurations.find((c) => c.config.request === "attach")?.config ?? {};
  assert.deepEqual(parseAttach(attach).connect, { host: "localhost", port: 5678 });
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a launch.json variable, left for VS Code
  const localRoot = "${workspaceFolder}";
  assert.deepEqual(parseAttach(attach).pathMappings, [{ localRoot, remoteRoot: "/app" }]);
});

async function initializeOver(child: ChildProcess): Promise<void> {
  assert.ok(child.stdout && child.stdin);
  const stderr: string[] = [];
  child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = once(child, "exit");
  const client = new DapClient(new DapConnection(child.stdout, child.stdin, "adapter"));
  try {
    const capabilities = await client.initialize();
    assert.equal(capabilities.supportsConfigurationDoneRequest, true);
    assert.equal(capabilities.supportsConditionalBreakpoints, true);
    assert.deepEqual(
      capabilities.exceptionBreakpointFilters?.map((f) => f.filter),
      ["raised", "uncaught", "userUnhandled"],
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}\nadapter stderr: ${stderr.join("")}`);
  } finally {
    await client.disconnect();
  }
  // the adapter leaves once its client has gone (stdin closed)
  let timer: NodeJS.Timeout | undefined;
  const [code] = await Promise.race([
    exited,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("adapter did not exit")), 10_000);
    }),
  ]).finally(() => clearTimeout(timer));
  assert.equal(code, 0, stderr.join(""));
}

it("the bundled adapter serves DAP on stdio from any working directory, run as the extension runs it", async (t) => {
  // the extension host's executable with ELECTRON_RUN_AS_NODE, as PdapAdapterFactory starts it
  const child = spawn(process.execPath, [path.join(VSCODE, "dist", "adapter.mjs")], {
    cwd: os.tmpdir(),
    env: { ...process.env, ELECTRON_RUN_AS_NODE: "1" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  t.after(() => child.kill());
  await initializeOver(child);
});
