/**
 * Headless Debian Chromium through playwright-core for browser tests: the skip reason when it is missing, and a
 * persistent context on a fresh profile (removed afterwards) with the flags that keep it off the network.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BrowserContext } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

/** node:test's `skip` option: false when Chromium is installed, else why the browser check is skipped. */
export const chromiumSkip: string | false = existsSync(CHROMIUM) ? false : `chromium not found at ${CHROMIUM} (apt-get install chromium) — browser check skipped`;

export async function launchChromium(t: { after(fn: () => unknown): void }, options: { acceptDownloads?: boolean } = {}): Promise<BrowserContext> {
    const profile = mkdtempSync(join(tmpdir(), "mellama-chromium-"));
    const { chromium } = await import("playwright-core");
    const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM, headless: true, acceptDownloads: options.acceptDownloads ?? false,
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"],
    });
    t.after(async () => {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
    });
    return context;
}
