// Path mappings: local <-> remote in both directions, the most specific root first, remote roots
// of another OS, and a remote root reached through a symlink (the agent reports real paths).
import assert from "node:assert/strict";
import { symlinkSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { PathMapper } from "../src/adapter/pathMapping.js";
import { Debuggee, pathMappings, remoteApp, startAdapter } from "./attach-helpers.js";
import { fixture } from "./support/fixtures.js";
import { forEachPython } from "./support/pythons.js";

const app = fixture("attach_app.py");

describe("PathMapper", () => {
  const local = path.resolve("/work/project");

  it("maps files under a root both ways, and leaves others alone", () => {
    const mapper = new PathMapper([{ localRoot: local, remoteRoot: "/app/" }]);
    assert.equal(mapper.toRemote(path.join(local, "pkg", "mod.py")), "/app/pkg/mod.py");
    assert.equal(mapper.toLocal("/app/pkg/mod.py"), path.join(local, "pkg", "mod.py"));
    assert.equal(mapper.toLocal("/app"), local);
    assert.equal(mapper.toLocal("/application/x.py"), undefined, "a prefix is not a parent directory");
    assert.equal(mapper.toLocal("/usr/lib/python3.12/json/__init__.py"), undefined);
    assert.equal(mapper.toRemote("/elsewhere/x.py"), "/elsewhere/x.py");
  });

  it("prefers the most specific root", () => {
    const mapper = new PathMapper([
      { localRoot: local, remoteRoot: "/app" },
      { localRoot: path.join(local, "vendored"), remoteRoot: "/opt/lib" },
    ]);
    assert.equal(mapper.toRemote(path.join(local, "vendored", "x.py")), "/opt/lib/x.py");
    assert.equal(mapper.toRemote(path.join(local, "main.py")), "/app/main.py");
    const nested = new PathMapper([
      { localRoot: local, remoteRoot: "/srv" },
      { localRoot: path.join(local, "other"), remoteRoot: "/srv/app" },
    ]);
    assert.equal(nested.toLocal("/srv/app/x.py"), path.join(local, "other", "x.py"));
    assert.equal(nested.toLocal("/srv/x.py"), path.join(local, "x.py"));
  });

  it("handles a remote root of / and a Windows remote", () => {
    const root = new PathMapper([{ localRoot: local, remoteRoot: "/" }]);
    assert.equal(root.toRemote(path.join(local, "a", "b.py")), "/a/b.py");
    assert.equal(root.toLocal("/a/b.py"), path.join(local, "a", "b.py"));
    const windows = new PathMapper([{ localRoot: local, remoteRoot: "C:\\Apps\\Demo\\" }]);
    assert.equal(windows.toRemote(path.join(local, "pkg", "m.py")), "C:\\Apps\\Demo\\pkg\\m.py");
    assert.equal(windows.toLocal("c:\\apps\\demo\\pkg\\m.py"), path.join(local, "pkg", "m.py"));
  });

  it("maps the real form of a remote root that the agent reports", () => {
    const mapper = new PathMapper([{ localRoot: local, remoteRoot: "/app" }]);
    assert.equal(mapper.toLocal("/srv/releases/42/x.py"), undefined);
    mapper.addRemoteAlias("/app", "/srv/releases/42");
    assert.equal(mapper.toLocal("/srv/releases/42/x.py"), path.join(local, "x.py"));
    assert.equal(mapper.toRemote(path.join(local, "x.py")), "/app/x.py", "breakpoints keep the user's root");
  });
});

forEachPython("attach: a remote root reached through a symlink", (target) => {
  it("frames of the real files come back as local paths", async () => {
    const { remote, app: appCopy } = remoteApp();
    const link = `${remote.dir}-link`;
    symlinkSync(remote.dir, link);
    const program = Debuggee.start(
      target,
      ["-m", "pdap", "--listen", "127.0.0.1:0", path.join(link, path.basename(appCopy))],
      { cwd: link },
    );
    const adapter = startAdapter();
    try {
      const port = await program.listeningPort();
      const mappings = pathMappings(remote).map((m) => ({ ...m, remoteRoot: link }));
      const breakpoints = await adapter.client.start(
        "attach",
        { connect: { host: "127.0.0.1", port }, pathMappings: mappings },
        { [app.path]: [app.line("BP1")] },
      );
      assert.equal(breakpoints[app.path][0].verified, true);
      const stopped = adapter.client.nextStop();
      program.send("one");
      const event = await stopped;
      const { stackFrames } = await adapter.client.stackTrace(event.body.threadId ?? 0);
      assert.equal(stackFrames[0].source?.path, app.path);
      assert.equal(stackFrames[0].line, app.line("BP1"));
    } finally {
      await adapter.client.disconnect();
      program.kill();
      remote.remove();
      remote.removePath(link);
    }
  });
});
