import { describe, expect, it } from "vitest";

import { mappingErrors } from "../../shared/imports/confirmImportRequest";
import { mappingPresets } from "../../shared/mappings/mappingPresets";
import { suggestMappings, targetFieldOfHeader } from "../../shared/mappings/suggestMappings";

describe("mapping presets", () => {
  for (const preset of mappingPresets) {
    it(`${preset.code} fits a file with its headers, and agrees with header suggestions`, () => {
      const headers = preset.columnMappings.map((m) => m.csvHeader);
      expect(mappingErrors(preset.columnMappings, headers)).toEqual([]);
      for (const { csvHeader, targetField } of preset.columnMappings) {
        const suggested = targetFieldOfHeader(csvHeader);
        // A preset may send a generic header to a more specific field (UTR to CompanyUtr); never to an unrelated one.
        if (suggested !== targetField)
          expect(suggested, csvHeader).toBe(
            targetField.includes("Utr") ? "Utr" : targetField.replace(/^(Postal|Registered)/, "Registered"),
          );
      }
      expect(suggestMappings(headers).length).toBe(headers.length);
    });
  }
});
