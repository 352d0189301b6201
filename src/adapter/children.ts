// Child processes of a launched program (subProcess): each child agent announces itself here, and
// the client is asked (DAP reverse request startDebugging) to attach a new session to it.
import { randomBytes } from "node:crypto";
import net from "node:net";
import type { DebugProtocol } from "@vscode/debugprotocol";
import { DapConnection, DapError } from "../dap/connection.js";
import type { ChildAnnouncement, ChildNote } from "../protocol/agent.js";
import { ErrorId } from "../protocol/errors.js";
import { tokensEqual } from "./agentLink.js";

export type { ChildAnnouncement, ChildNote } from "../protocol/agent.js";

/** Decides whether a client will attach to the child; rejects (with the reason) to let it run on. */
export type ChildHandler = (child: ChildAnnouncement) => Promise<void>;

export class ChildAnnouncements {
  private constructor(
    private readonly server: net.Server,
    readonly token: string,
  ) {}

  static async listen(onChild: ChildHandler, onNote: (note: ChildNote) => void): Promise<ChildAnnouncements> {
    const token = randomBytes(24).toString("base64url");
    const server = net.createServer((socket) => {
      const connection = new DapConnection(socket, socket, "child agent");
      connection.onRequest("announceChild", async (child) => {
        if (!tokensEqual(String(child.token ?? ""), token))
          throw new DapError("access token refused", { id: ErrorId.accessDenied });
        if (typeof child.port !== "number" || typeof child.childToken !== "string") {
          throw new DapError("announceChild needs port and childToken");
        }
        await onChild(child as ChildAnnouncement);
        return {};
      });
      connection.onRequest("childNote", async (note) => {
        if (!tokensEqual(String(note.token ?? ""), token))
          throw new DapError("access token refused", { id: ErrorId.accessDenied });
        if (typeof note.text !== "string") throw new DapError("childNote needs text");
        onNote({ pid: Number(note.pid), text: note.text.slice(0, 4096) });
        return {};
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    server.unref();
    return new ChildAnnouncements(server, token);
  }

  /** What the agent of the launched program needs to hand its children. */
  get address(): { host: string; port: number; token: string } {
    return { host: "127.0.0.1", port: (this.server.address() as net.AddressInfo).port, token: this.token };
  }

  close(): void {
    this.server.close();
  }
}

/** The attach configuration of a child's session, as startDebugging hands it to the client. */
export function childConfiguration(
  child: ChildAnnouncement,
  parent: { justMyCode: boolean; name?: string },
): DebugProtocol.StartDebuggingRequestArguments {
  const program = child.argv.find((arg, i) => i > 0 && !arg.startsWith("-")) ?? child.argv[0] ?? "python";
  return {
    request: "attach",
    configuration: {
      type: "pdap",
      request: "attach",
      name: `${program} (pid ${child.pid})`,
      connect: { host: child.host, port: child.port },
      token: child.childToken,
      justMyCode: parent.justMyCode,
      subProcessId: child.pid,
      parentProcessId: child.ppid,
    },
  };
}
