#!/usr/bin/env node
// The same command as bin/pdap.cjs (package.json's bin, which starts sooner), for whoever runs this path.
import "./pdap.cjs";
