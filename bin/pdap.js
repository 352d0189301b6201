#!/usr/bin/env node
// The bundle (npm run build writes it next to tsc's output) starts in a fraction of the time that
// loading dist/src module by module takes; it is CommonJS, which Node.js loads faster still.
import { createRequire } from "node:module";

const { main } = createRequire(import.meta.url)("../dist/bundle/pdap.cjs");
await main(process.argv);
