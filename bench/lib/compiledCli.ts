/**
 * The compiled CLI (dist/cli/bin.js) that benches time, as users run it. The build is brought up to date first
 * (tsc -b is incremental: a no-op when dist/ is current), so a bench never times a stale dist/.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export function compiledCli(): string {
    const build = spawnSync(process.execPath, [fileURLToPath(new URL("../../scripts/build.mjs", import.meta.url))], { stdio: "inherit" });
    if (build.status !== 0) {
        throw new Error("bench: the build (scripts/build.mjs) failed");
    }
    return fileURLToPath(new URL("../../dist/cli/bin.js", import.meta.url));
}
