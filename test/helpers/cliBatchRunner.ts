/**
 * Runs many `mellama` invocations in this one process, one after another (cliBatch.ts starts it): each case gets
 * its own commander program through main(), its own cwd and environment, and its stderr captured; process.exit
 * is turned into an exception so a case ends where the CLI would exit. What would cost a process start and a
 * module load per case costs one of each per table. Prints the results as JSON on stdout.
 */
import { readFileSync } from "node:fs";
import { main } from "../../src/cli/main.js";

interface Case { args: string[]; cwd: string; env: Record<string, string> }

class Exit extends Error {
    public constructor(public readonly status: number) {
        super(`exit ${status}`);
    }
}

const cases = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as Case[];
const realExit = process.exit.bind(process);
const realStderr = process.stderr.write.bind(process.stderr);
const realStdout = process.stdout.write.bind(process.stdout);
const results: { status: number; stderr: string }[] = [];
for (const c of cases) {
    const savedEnv = { ...process.env };
    const savedCwd = process.cwd();
    const before = { exception: process.listeners("uncaughtException"), rejection: process.listeners("unhandledRejection") };
    let stderr = "";
    Object.assign(process.env, c.env);
    process.chdir(c.cwd);
    process.exit = ((code?: number) => { throw new Exit(code ?? 0); }) as typeof process.exit;
    process.stderr.write = ((chunk: string | Uint8Array) => { stderr += String(chunk); return true; }) as typeof process.stderr.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    let status = 0;
    try {
        await main(["node", "mellama", ...c.args]);
    } catch (error) {
        status = error instanceof Exit ? error.status : 99;
        if (!(error instanceof Exit)) {
            stderr += `runner: ${String((error as Error).stack)}`;
        }
    }
    process.exit = realExit;
    process.stderr.write = realStderr;
    process.stdout.write = realStdout;
    process.chdir(savedCwd);
    for (const key of Object.keys(process.env)) {
        if (!(key in savedEnv)) {
            delete process.env[key];
        }
    }
    Object.assign(process.env, savedEnv);
    // main() installs its exit-on-uncaught handlers per call.
    process.listeners("uncaughtException").filter((l) => !before.exception.includes(l)).forEach((l) => process.removeListener("uncaughtException", l));
    process.listeners("unhandledRejection").filter((l) => !before.rejection.includes(l)).forEach((l) => process.removeListener("unhandledRejection", l));
    results.push({ status, stderr });
}
realStdout(JSON.stringify(results));
realExit(0);
