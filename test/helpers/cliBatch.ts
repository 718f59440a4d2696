/** Runs a table of `mellama` invocations in one child process (cliBatchRunner.ts); returns exit status and stderr of each. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const runner = fileURLToPath(new URL("./cliBatchRunner.ts", import.meta.url));

export function runCliBatch(cases: readonly { args: readonly string[]; cwd: string; env?: Record<string, string> }[]): { status: number; stderr: string }[] {
    const dir = mkdtempSync(join(tmpdir(), "mellama-batch-"));
    try {
        const file = join(dir, "cases.json");
        writeFileSync(file, JSON.stringify(cases.map((c) => ({ args: c.args, cwd: c.cwd, env: c.env ?? {} }))));
        const r = spawnSync(process.execPath, ["--import", "tsx", runner, file], { encoding: "utf8", maxBuffer: 64 << 20 });
        if (r.status !== 0) {
            throw new Error(`the batch runner failed (${r.status}): ${r.stderr}`);
        }
        return JSON.parse(r.stdout) as { status: number; stderr: string }[];
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
