#!/usr/bin/env node
// The command's entry (package.json bin): a file git keeps executable, since the compiled one is not. It runs
// the TypeScript compiled into dist/cli by `npm run build`.
const path = require("node:path");
const fs = require("node:fs");

const main = path.join(__dirname, "..", "dist", "cli", "main.js");
if (!fs.existsSync(main)) {
  process.stderr.write("client-import: not built yet; run npm run build in the repository first\n");
  process.exit(70);
}
require(main);
