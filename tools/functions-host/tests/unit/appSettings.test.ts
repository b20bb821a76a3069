import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { describe, expect, it } from "vitest";

import { connectionString, loadAppSettings, portSetting, resolveSettingExpressions } from "../../src/appSettings";

describe("app settings", () => {
  it("reads local.settings.json Values, with real environment variables taking precedence", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "settings-"));
    fs.writeFileSync(
      path.join(dir, "local.settings.json"),
      JSON.stringify({ Values: { A: "from file", B: "from file", N: 5 } }),
    );
    const env: NodeJS.ProcessEnv = { B: "from env" };
    const settings = loadAppSettings(dir, env);
    expect(settings).toMatchObject({ A: "from file", B: "from env", N: "5" });
    expect(env.A).toBe("from file");
  });

  it("says which file is malformed", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "settings-"));
    fs.writeFileSync(path.join(dir, "local.settings.json"), "{ nope");
    expect(() => loadAppSettings(dir, {})).toThrow(/^local\.settings\.json is not valid JSON/);
  });

  it("resolves %setting% expressions and connection names as the runtime does", () => {
    expect(resolveSettingExpressions("%Q%-items", { Q: "work" })).toBe("work-items");
    expect(() => resolveSettingExpressions("%Missing%", {})).toThrow(
      "A binding refers to app setting %Missing%, which is not set",
    );
    expect(connectionString(undefined, { AzureWebJobsStorage: "x" })).toBe("x");
    expect(connectionString("Other", { AzureWebJobsOther: "y" })).toBe("y");
    expect(() => connectionString(undefined, {})).toThrow(
      "App setting AzureWebJobsStorage (a storage connection string) is not set",
    );
  });

  it("says an identity-based connection needs a connection string here, rather than reading it as unset", () => {
    expect(() => connectionString(undefined, { azurewebjobsstorage__AccountName: "stacct" })).toThrow(
      /^AzureWebJobsStorage is set as an identity-based connection \(AzureWebJobsStorage__\.\.\.\), which the local host does not sign in with/,
    );
    expect(connectionString(undefined, { AzureWebJobsStorage: "x", AzureWebJobsStorage__accountName: "s" })).toBe("x");
  });

  it("takes PORT when it is a port number", () => {
    expect(portSetting(undefined)).toBe(7071);
    expect(portSetting("8080")).toBe(8080);
    expect(() => portSetting("80a")).toThrow('PORT must be a whole number from 1 to 65535 (found "80a")');
  });
});
