import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { Browser, chromium, Page } from "playwright-core";
import { expect } from "vitest";

import { PageGlobals } from "./pageGlobals";

/** Debian's chromium; CHROMIUM_PATH names another build of the same browser. */
const chromiumPath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** Headless Chromium, or one line saying what is missing: the browser tests never skip. */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(chromiumPath))
    throw new Error(
      `No Chromium at ${chromiumPath}: the browser tests need it (apt-get install chromium, or set CHROMIUM_PATH)`,
    );
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/**
 * axe-core's WCAG 2.0-2.2 A and AA rules on the page as it is: the violations, as `rule: target` lines. axe
 * runs through the DevTools protocol, so the page's Content-Security-Policy stays as strict as in production.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const { axe, document } = globalThis as unknown as PageGlobals;
    const results = await axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] },
    });
    return results.violations;
  });
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")}`));
}

export const viewports = {
  desktop: { width: 1280, height: 900 },
  phone: { width: 360, height: 740 },
} as const;

/**
 * Where screenshots go: `docs/screenshots` when SCREENSHOT_DIR says so (`npm run screenshots`), else a
 * throwaway folder, so a test run leaves the working tree as it was.
 */
export const screenshotDir = path.resolve(
  process.env.SCREENSHOT_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), "import-page-")),
);

/**
 * What a step looks like at desktop and phone widths, and that it has no accessibility violations and nothing
 * wider than a phone's screen.
 */
export async function checkStep(page: Page, name: string): Promise<void> {
  expect(await accessibilityViolations(page), `axe on ${name}`).toEqual([]);
  fs.mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize(viewports.phone);
  const overflow = await page.evaluate(() => {
    const { document, innerWidth } = globalThis as unknown as PageGlobals;
    return document.documentElement.scrollWidth - innerWidth;
  });
  expect(overflow, `${name}: the page is wider than a phone by`).toBeLessThanOrEqual(0);
  await page.screenshot({ path: path.join(screenshotDir, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize(viewports.desktop);
}
