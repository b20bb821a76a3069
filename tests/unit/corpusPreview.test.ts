import { describe, expect, it } from "vitest";

import { fileProblem } from "../../shared/imports/fileProblem";
import { UploadReader } from "../../shared/imports/uploadReader";
import { corpus } from "../fixtures/corpus/files";

describe("the corpus of files people send", () => {
  it("has at least 40 files", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(40);
  });

  for (const file of corpus) {
    it(file.name, () => {
      const reader = new UploadReader();
      // Odd chunk sizes, so characters, line ends and byte order marks straddle chunks.
      for (let i = 0; i < file.bytes.length; i += 4093) reader.push(file.bytes.subarray(i, i + 4093));
      const facts = reader.finish();
      const read = facts.read("job", "file.csv", file.hasHeaderRow ?? null);
      const problem = fileProblem(facts, read, "refused");
      const { preview } = read;
      if ("problem" in file.expect) {
        expect(problem).toMatch(file.expect.problem);
        return;
      }
      expect(problem).toBeNull();
      const e = file.expect;
      expect(preview.detected).toEqual({ encoding: e.encoding, delimiter: e.delimiter, lineEnding: e.lineEnding });
      expect(preview.hasHeaderRow).toBe(e.hasHeaderRow);
      expect(preview.headers).toEqual(e.headers);
      expect(preview.totalRows).toBe(e.totalRows);
      expect(preview.previewRows.length).toBe(Math.min(10, e.totalRows));
      if (e.firstRow) expect(preview.previewRows[0]).toEqual(e.firstRow);
      if (e.suggested) expect(preview.suggestedMappings.map((m) => [m.csvHeader, m.targetField])).toEqual(e.suggested);
      expect(preview.warnings.length).toBe(e.warnings?.length ?? 0);
      expect(preview.suggestedDateFormat).toBe(e.suggestedDateFormat ?? null);
      e.warnings?.forEach((pattern, i) => expect(preview.warnings[i]).toMatch(pattern));
    });
  }
});
