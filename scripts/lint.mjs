// `npm run lint`: types, lint rules and formatting, each check in a process of its own, as many at once as the
// machine has cores (they are single-threaded; one after another they took over 40 s on two cores). Each
// check's output is printed whole, in order; the exit code is the first failure's.
import { spawn } from "node:child_process";
import os from "node:os";
import process from "node:process";

// Type checks remember what they checked (tsc's own incremental state, exact by design), so a second run only
// checks what changed.
function typeCheck(project, name) {
  return [
    "tsc",
    "-p",
    project,
    "--noEmit",
    "--incremental",
    "--tsBuildInfoFile",
    `node_modules/.cache/tsc/${name}.tsbuildinfo`,
  ];
}

// The longest first, so the others share the remaining cores meanwhile.
const checks = [
  ["eslint", "."],
  typeCheck("tsconfig.eslint.json", "product"),
  typeCheck("tools/functions-host/tsconfig.eslint.json", "host"),
  typeCheck("web", "web"),
  // The page's own tests are typed as the page is, for a browser.
  typeCheck("tests/page", "page-tests"),
  // Formatting depends only on each file's text, so its cache (node_modules/.cache/prettier) cannot go stale.
  ["prettier", "--check", "--cache", "--cache-strategy", "content", "."],
];

function run([command, ...args]) {
  return new Promise((resolve) => {
    const child = spawn(`node_modules/.bin/${command}`, args, { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", (error) => resolve({ code: 1, output: `${error.message}\n` }));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

const results = new Array(checks.length);
let next = 0;
await Promise.all(
  Array.from({ length: Math.min(os.availableParallelism(), checks.length) }, async () => {
    while (next < checks.length) {
      const at = next++;
      results[at] = await run(checks[at]);
    }
  }),
);
let failed = 0;
for (const [at, { code, output }] of results.entries()) {
  process.stdout.write(`> ${checks[at].join(" ")}\n${output}`);
  if (code !== 0 && failed === 0) failed = code;
}
process.exit(failed);
