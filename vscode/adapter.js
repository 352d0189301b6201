// VS Code runs this file with Node (debuggers.runtime) and it must stay loadable with require():
// it starts the repository's `pdap adapter`, which serves DAP on stdio.
process.argv.splice(2, 0, "adapter");
import(require("node:url").pathToFileURL(require("node:path").join(__dirname, "..", "bin", "pdap.js")).href);
