import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";

import { uploadEventSubjectPrefix } from "../../shared/imports/uploadEvent";
import { storageLayout } from "../../shared/storage/storageLayout";
import { readStorageSettings } from "../../shared/storage/storageSettings";
import { bracketProblem, modulesOf, outputsOf, paramsOf, withoutCommentsAndStrings } from "../support/bicepText";
import { repoRoot } from "../support/hostProcess";

/**
 * What can be proven of the deployment without Azure and without the Bicep compiler: every file azd needs,
 * how they refer to each other, and that infra and the app agree on names, settings, roles and the runtime.
 * `azd provision` is the first real check of the templates themselves (infra/README.md, smoke test).
 */
const read = (file: string) => fs.readFileSync(path.join(repoRoot, file), "utf8");
const bicepFiles = ["infra/main.bicep", "infra/app/api.bicep", "infra/app/rbac.bicep", "infra/app/eventgrid.bicep"];
const azureYaml = parseYaml(read("azure.yaml"));
const main = read("infra/main.bicep");
const api = read("infra/app/api.bicep");
const rbac = read("infra/app/rbac.bicep");
const eventGrid = read("infra/app/eventgrid.bicep");
const packageJson = JSON.parse(read("package.json"));

/** The value of `key: '<value>'` in a Bicep text (the first one). */
function stringProperty(text: string, key: string): string | undefined {
  return new RegExp(`^\\s*${key}:\\s*'([^']*)'`, "m").exec(text)?.[1];
}

/** The keys and literal values of api.bicep's `appSettings` object. */
function appSettings(): Map<string, string> {
  const block = /var appSettings = \{([\s\S]*?)\n\}/.exec(api)![1];
  return new Map([...block.matchAll(/^\s*(\w+):\s*(.+)$/gm)].map((m) => [m[1], m[2].trim()]));
}

describe("azd's files", () => {
  it("all exist, and azure.yaml deploys the api as a function app from a package built here", () => {
    for (const file of [
      "azure.yaml",
      "infra/main.parameters.json",
      "infra/abbreviations.json",
      "infra/README.md",
      "infra/hooks/postdeploy.sh",
      "infra/hooks/postdeploy.ps1",
      ...bicepFiles,
    ])
      expect(fs.existsSync(path.join(repoRoot, file)), file).toBe(true);
    expect(azureYaml.infra).toEqual({ provider: "bicep", path: "infra" });
    // remoteBuild (and so the local build) needs azd 1.23.5 or later.
    expect(azureYaml.requiredVersions).toEqual({ azd: ">= 1.23.5" });
    expect(azureYaml.services.api).toMatchObject({
      project: ".",
      language: "ts",
      host: "function",
      dist: ".deploy",
      remoteBuild: false,
    });
    for (const platform of ["posix", "windows"]) {
      const packaging = azureYaml.services.api.hooks.prepackage[platform].run as string;
      const script = /^npm run ([\w:-]+)$/.exec(packaging)?.[1];
      expect(packageJson.scripts[script!], packaging).toContain("dist/scripts/deploy/azurePackage.js");
      const hook = azureYaml.hooks.postdeploy[platform].run as string;
      expect(fs.existsSync(path.join(repoRoot, hook)), hook).toBe(true);
    }
  });

  it("agree on a local build: .funcignore keeps node_modules and leaves sources, tools and the staged package out", () => {
    const ignored = read(".funcignore")
      .split("\n")
      .map((line) => line.trim());
    expect(ignored).not.toContain("node_modules");
    expect(ignored).not.toContain("node_modules/");
    for (const pattern of [
      "*.ts",
      "tests/",
      "scripts/",
      "tools/",
      "cli/",
      "dist/cli/",
      "web/src/",
      ".deploy/",
      "local.settings.json",
    ])
      expect(ignored).toContain(pattern);
    expect(read(".gitignore").split("\n")).toContain(".deploy/");
  });

  it("main.parameters.json gives every parameter without a default, and names only parameters that exist", () => {
    const params = paramsOf(main);
    const given = JSON.parse(read("infra/main.parameters.json")).parameters as Record<string, { value: string }>;
    for (const name of Object.keys(given)) expect(params.map((p) => p.name)).toContain(name);
    for (const param of params.filter((p) => !p.optional)) expect(Object.keys(given)).toContain(param.name);
    // azd fills these from the environment and the signed-in principal.
    expect(Object.values(given).map((p) => p.value)).toEqual([
      "${AZURE_ENV_NAME}",
      "${AZURE_LOCATION}",
      "${AZURE_PRINCIPAL_ID}",
      "${AZURE_PRINCIPAL_TYPE}",
    ]);
  });
});

describe("the Bicep templates", () => {
  it("nest their brackets", () => {
    for (const file of bicepFiles) expect(bracketProblem(read(file)), file).toBeNull();
  });

  it("call local modules that exist, with parameters they declare, all required ones given, and outputs they have", () => {
    for (const file of bicepFiles) {
      const text = read(file);
      for (const call of modulesOf(text).filter((m) => !m.source.startsWith("br/"))) {
        const target = path.join(path.dirname(path.join(repoRoot, file)), call.source);
        expect(fs.existsSync(target), `${file}: ${call.source}`).toBe(true);
        const moduleText = fs.readFileSync(target, "utf8");
        const declared = paramsOf(moduleText);
        for (const param of call.params)
          expect(
            declared.map((p) => p.name),
            `${call.source}: ${param}`,
          ).toContain(param);
        for (const param of declared.filter((p) => !p.optional))
          expect(call.params, `${call.source} needs ${param.name}`).toContain(param.name);
        const used = [
          ...withoutCommentsAndStrings(text).matchAll(new RegExp(`\\b${call.symbol}\\.outputs\\.(\\w+)`, "g")),
        ];
        for (const [, output] of used) expect(outputsOf(moduleText), `${call.source}: ${output}`).toContain(output);
      }
    }
  });

  it("pin every Azure Verified Module to a version", () => {
    const references = bicepFiles.flatMap((file) => modulesOf(read(file)).filter((m) => m.source.startsWith("br/")));
    expect(references.length).toBeGreaterThanOrEqual(6);
    for (const { source } of references)
      expect(source).toMatch(/^br\/public:avm\/(res|ptn|utl)\/[a-z0-9/-]+:\d+\.\d+\.\d+$/);
  });

  it("hold no account key, connection string or key listing", () => {
    for (const file of [
      ...bicepFiles,
      "azure.yaml",
      "infra/main.parameters.json",
      "infra/hooks/postdeploy.sh",
      "infra/hooks/postdeploy.ps1",
    ]) {
      const text = read(file);
      for (const forbidden of [
        /listKeys\s*\(/i,
        /AccountKey/i,
        /DefaultEndpointsProtocol/i,
        /SharedAccessKey/i,
        /\bkeys\s+list\b/i,
      ])
        expect(text, `${file}: ${forbidden}`).not.toMatch(forbidden);
    }
    expect(main).toMatch(/allowSharedKeyAccess: false/);
    expect(main).toMatch(/allowBlobPublicAccess: false/);
    expect(main).toMatch(/minimumTlsVersion: 'TLS1_2'/);
    expect(main).toMatch(/disableLocalAuth: true/);
  });
});

describe("infra and the app", () => {
  it("name the same container, queues, tables and upload event subjects", () => {
    expect(/var importFilesContainer = '([^']+)'/.exec(main)?.[1]).toBe(storageLayout.containers.importFiles);
    expect(/var importQueue = '([^']+)'/.exec(main)?.[1]).toBe(storageLayout.queues.clientImports);
    expect(/var uploadEventsQueue = '([^']+)'/.exec(main)?.[1]).toBe(storageLayout.queues.importFileEvents);
    const tables = /var tables = \[([^\]]*)\]/
      .exec(main)![1]
      .match(/'([^']+)'/g)!
      .map((t) => t.slice(1, -1));
    expect(tables.sort()).toEqual(Object.values(storageLayout.tables).sort());
    const subject = /subjectBeginsWith: '([^']+)'/
      .exec(main)![1]
      .replace("${importFilesContainer}", storageLayout.containers.importFiles);
    expect(subject).toBe(uploadEventSubjectPrefix);
    expect(eventGrid).toMatch(/includedEventTypes: \['Microsoft\.Storage\.BlobCreated'\]/);
    expect(eventGrid).toMatch(/endpointType: 'StorageQueue'/);
  });

  it("set the identity-based storage settings the app reads, the worker's settings, and nothing Flex rejects or that holds a key", () => {
    const settings = appSettings();
    expect(settings.get("AzureWebJobsStorage__credential")).toBe("'managedidentity'");
    // The app accepts exactly what infra sets (with example values in place of Bicep expressions).
    const env = Object.fromEntries(
      [...settings.keys()]
        .filter((key) => key.startsWith("AzureWebJobsStorage__"))
        .map((key) => [
          key,
          key.endsWith("ServiceUri")
            ? `https://stacct.${key.slice(21, -10)}.core.windows.net/`
            : key.endsWith("credential")
              ? "managedidentity"
              : "0b5a7c1e-0000-4000-8000-00000000abcd",
        ]),
    );
    expect(readStorageSettings(env)).toMatchObject({ kind: "identity", credential: { kind: "managedIdentity" } });
    for (const key of [
      "APPLICATIONINSIGHTS_CONNECTION_STRING",
      "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
      "RetentionDays",
      "JobRetentionDays",
    ])
      expect(settings.has(key), key).toBe(true);
    const sample = JSON.parse(read("local.settings.sample.json")).Values as Record<string, string>;
    for (const key of ["languageWorkers__node__arguments", "MALLOC_ARENA_MAX"])
      expect(settings.get(key)).toBe(`'${sample[key]}'`);
    // The worker does not start on a Node that refuses one of its options (V8's flags change between versions).
    const worker = spawnSync(
      process.execPath,
      [...sample.languageWorkers__node__arguments.split(" "), "-e", "process.stdout.write('started')"],
      { encoding: "utf8" },
    );
    expect(worker.stderr).toBe("");
    expect(worker.stdout).toBe("started");
    const flexRejects = [
      "AzureWebJobsStorage",
      "FUNCTIONS_WORKER_RUNTIME",
      "FUNCTIONS_EXTENSION_VERSION",
      "WEBSITE_NODE_DEFAULT_VERSION",
      "WEBSITE_RUN_FROM_PACKAGE",
      "WEBSITE_CONTENTSHARE",
      "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
      "SCM_DO_BUILD_DURING_DEPLOYMENT",
      "ENABLE_ORYX_BUILD",
      "WEBSITE_TIME_ZONE",
      "TZ",
    ];
    for (const key of flexRejects) expect(settings.has(key), key).toBe(false);
  });

  it("give the identity and the deploying user the storage data roles, each named guid(scope, principal, role)", () => {
    const roles = Object.fromEntries([...rbac.matchAll(/^\s*(\w+): '([0-9a-f-]{36})'/gm)].map((m) => [m[1], m[2]]));
    expect(roles).toEqual({
      storageBlobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
      storageQueueDataContributor: "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
      storageTableDataContributor: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
      monitoringMetricsPublisher: "3913510d-42f4-4e42-8a64-420c390055eb",
    });
    const names = [...rbac.matchAll(/^\s*name: (guid\(.+)$/gm)].map((m) => m[1]);
    expect(names).toEqual([
      "guid(storageAccount.id, identityPrincipalId, role)",
      "guid(storageAccount.id, userPrincipalId, role)",
      "guid(appInsights.id, identityPrincipalId, roles.monitoringMetricsPublisher)",
    ]);
    // The deploying principal's type comes from azd: a pipeline signs in as a service principal.
    expect(rbac.match(/principalType: \S+/g)).toEqual([
      "principalType: 'ServicePrincipal'",
      "principalType: userPrincipalType",
      "principalType: 'ServicePrincipal'",
    ]);
  });

  it("run the Node version CI tests on", () => {
    expect(stringProperty(api, "version")).toBe("22");
    expect(read(".ci/run")).toMatch(/node@22\b/);
  });
});

describe("the hook scripts", () => {
  it("pass bash -n, and shellcheck where it is installed", () => {
    execFileSync("bash", ["-n", path.join(repoRoot, "infra/hooks/postdeploy.sh")]);
    const shellcheck = spawnSync("shellcheck", ["--version"]);
    if (shellcheck.error) return;
    const checked = spawnSync("shellcheck", ["-s", "sh", path.join(repoRoot, "infra/hooks/postdeploy.sh")], {
      encoding: "utf8",
    });
    expect(checked.stdout).toBe("");
    expect(checked.status).toBe(0);
  });
});
