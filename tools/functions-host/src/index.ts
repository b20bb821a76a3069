/** The local Functions host, its embedded Azurite, and what a test of an app needs to run it. */
export { connectionString, loadAppSettings, portSetting } from "./appSettings";
export { RunningAzurite, startAzurite, startThrowawayAzurite } from "./azurite";
export { eventually } from "./eventually";
export { loadFunctionApp } from "./functionApp";
export { ExitedHost, HostProcess, runHostToExit, startHostProcess } from "./hostProcess";
export { HostStartupError } from "./hostStartupError";
export { LocalHost, startLocalHost } from "./localHost";
export { filesMatchedByMain } from "./mainGlob";
export { findFreePort, isListening } from "./ports";
export { runUntilStopped } from "./runUntilStopped";
export { blobEndpointOf } from "./storageConnection";
