#!/usr/bin/env node
// The bundle (npm run build writes it next to tsc's output) starts in a fraction of the time that
// loading dist/src module by module takes.
import { main } from "../dist/bundle/main.mjs";

await main(process.argv);
