/** The mellama CLI as a child process, for tests that go through the real command line. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

export const mellamaBin = fileURLToPath(new URL("../../bin/mellama.js", import.meta.url));

export interface CliResult {
    status: number | null;
    stdout: string;
    stderr: string;
}

/** Runs `mellama ...args` to completion; `env` is added to this process's environment. */
export function runCli(args: readonly string[], env: Record<string, string> = {}): CliResult {
    return spawnSync(process.execPath, [mellamaBin, ...args], { encoding: "utf8", env: { ...process.env, ...env } });
}
