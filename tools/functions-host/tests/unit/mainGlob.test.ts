import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { filesMatchedByMain } from "../../src/mainGlob";

describe("filesMatchedByMain", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "glob-"));
  for (const file of [
    "dist/src/index.js",
    "dist/functions/a.js",
    "dist/functions/b.js",
    "dist/functions/b.js.map",
    "dist/functions/runtime/setup.js",
    "dist/other/c.js",
  ]) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), "");
  }
  const matched = (main: string) => filesMatchedByMain(root, main).map((f) => path.relative(root, f));

  it("matches one folder level with * and any depth with **", () => {
    expect(matched("dist/functions/*.js")).toEqual(["dist/functions/a.js", "dist/functions/b.js"]);
    expect(matched("./dist/**/*.js")).toEqual([
      "dist/functions/a.js",
      "dist/functions/b.js",
      "dist/functions/runtime/setup.js",
      "dist/other/c.js",
      "dist/src/index.js",
    ]);
  });

  it("reads the runtime's glob syntax: the official quickstart's braces", () => {
    expect(matched("dist/{src/index.js,functions/*.js}")).toEqual([
      "dist/functions/a.js",
      "dist/functions/b.js",
      "dist/src/index.js",
    ]);
    expect(matched("dist/functions/{a,b}.js")).toEqual(["dist/functions/a.js", "dist/functions/b.js"]);
  });

  it("takes a plain path as one file, and matches nothing that is not there", () => {
    expect(matched("dist/other/c.js")).toEqual(["dist/other/c.js"]);
    expect(matched("dist/functions/?.ts")).toEqual([]);
  });
});
