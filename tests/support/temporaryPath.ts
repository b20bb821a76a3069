import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * A path for a file named `name` in a new folder of its own under the run's temporary folder (globalSetup): the
 * file keeps the name a person would see, and whatever the code under test writes beside it stays apart.
 */
export function temporaryPath(name: string): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), "file-")), name);
}
