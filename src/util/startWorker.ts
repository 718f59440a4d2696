/**
 * Starts a worker thread on the entry module `name` (a relative path without extension) beside the module whose
 * `import.meta.url` is `from`. Compiled (dist/), the worker runs `name.bundle.cjs`, the one-file CommonJS bundle
 * the build makes of each worker entry (scripts/build.mjs), or `name.js` where there is none (a dist/ compiled by
 * `tsc` alone). Run from source (tests and benches under tsx: `from` ends in .ts), it runs `name.ts` through tsx's
 * loader, registered inside the worker first: a worker inherits neither the parent's module hooks nor its
 * `--import`ed loader. So each worker runs the same tree as its caller, and a stale dist/ never mixes with sources. Every worker entry is started through here.
 * The worker gets the process's Node options but not those that name the main script's input (`node -e`,
 * `--input-type`): with them a worker on a file refuses to start.
 */
import { existsSync } from "node:fs";
import { Worker, type WorkerOptions } from "node:worker_threads";

const SCRIPT_INPUT = new Set(["-e", "--eval", "-p", "--print", "-pe"]);

/** process.execArgv without the options that give the main script as a string. */
export function workerExecArgv(execArgv: readonly string[]): string[] {
    const out: string[] = [];
    for (let i = 0; i < execArgv.length; i++) {
        const arg = execArgv[i]!;
        if (SCRIPT_INPUT.has(arg)) {
            i++;
        } else if (!arg.startsWith("--input-type") && !/^--(eval|print)=/.test(arg)) {
            out.push(arg);
        }
    }
    return out;
}

export function startWorker(name: string, from: string, options: WorkerOptions = {}): Worker {
    if (/\.[cm]?[jt]s$/.test(name)) {
        throw new RangeError(`startWorker: give the entry without its extension (${name})`);
    }
    options = { execArgv: workerExecArgv(process.execArgv), ...options };
    if (!from.endsWith(".ts")) {
        const bundle = new URL(`${name}.bundle.cjs`, from);
        return new Worker(existsSync(bundle) ? bundle : new URL(`${name}.js`, from), options);
    }
    const entry = new URL(`${name}.ts`, from).href;
    // tsx is a devDependency: present wherever sources run, never needed by the compiled package.
    const tsx = import.meta.resolve("tsx/esm/api");
    const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
    return new Worker(code, { ...options, eval: true });
}
