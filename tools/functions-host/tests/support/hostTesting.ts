import path from "node:path";

/** The small function app the host's tests run: one function per trigger semantic. */
export const fixtureApp = path.resolve(__dirname, "..", "fixtures", "host-app");

/** Where the fixture app finds `@azure/functions`: a copy of the app elsewhere links to it. */
export const nodeModules = path.resolve(path.dirname(require.resolve("@azure/functions/package.json")), "..", "..");

export { eventually } from "../../src/eventually";
