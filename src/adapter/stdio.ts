// The debug adapter on stdio and nothing else: the entry point of the adapter bundle that editors
// start (the VS Code extension runs it with VS Code's own Node.js).
import { serveStdio } from "./server.js";

serveStdio();
