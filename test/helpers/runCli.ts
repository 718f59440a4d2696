/**
 * The mellama CLI as a child process, for tests that go through the real command line. It runs src/cli/bin.ts
 * through tsx, never the compiled dist/: a stale build can neither pass nor fail a test (test/package covers dist).
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Node arguments that start the CLI from source: `spawn(process.execPath, [...mellamaArgv, "eval", ...])`. */
// tsx by its resolved URL, so a child started in another working directory (a temporary one) still finds it.
export const mellamaArgv: readonly string[] = ["--import", import.meta.resolve("tsx"), fileURLToPath(new URL("../../src/cli/bin.ts", import.meta.url))];

export interface CliResult {
    status: number | null;
    stdout: string;
    stderr: string;
}

/** Runs `mellama ...args` to completion; `env` is added to this process's environment. */
export function runCli(args: readonly string[], env: Record<string, string> = {}): CliResult {
    return spawnSync(process.execPath, [...mellamaArgv, ...args], { encoding: "utf8", env: { ...process.env, ...env } });
}
