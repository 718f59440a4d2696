/**
 * The one way the CLI fails: one line `mellama: <what>: <why>` on stderr and exit status 2 for a user error (bad
 * option, input, config or output path), 1 for a failure while working. The stack trace is printed only with
 * MELLAMA_DEBUG=1. Messages of mellama's own errors never carry clinical text; for anything else only what cannot
 * hold data text is printed (the error's class, a system error's code, syscall and path), since a runtime message
 * (a JSON or CSV parser's, for one) may quote the input.
 */
import { CommanderError } from "commander";
import { MellamaError } from "../errors/MellamaError.js";

/** System error codes that mean the path given was wrong, not that the work failed. */
const USER_PATH_CODES = new Set(["ENOENT", "EACCES", "EPERM", "EISDIR", "ENOTDIR", "EEXIST", "ENAMETOOLONG", "ELOOP"]);

const SYSTEM_REASONS: Record<string, string> = {
    ENOSPC: "no space left on the device", EDQUOT: "disk quota exceeded", ENOMEM: "out of memory", EMFILE: "too many open files",
    ENOENT: "no such file or directory", EACCES: "permission denied", EPERM: "operation not permitted", EISDIR: "is a directory",
    ENOTDIR: "not a directory", EEXIST: "already exists", EROFS: "read-only file system", EIO: "input/output error",
};

/** The one line and the exit status for `error`. */
export function describeError(error: unknown): { line: string; exitCode: number } {
    if (error instanceof CommanderError) {
        if (error.exitCode === 0) {
            return { line: "", exitCode: 0 }; // --help, --version
        }
        if (error.code === "commander.help") {
            return { line: "", exitCode: 2 }; // a command group without its subcommand: the help was the message
        }
        const message = error.message.replace(/^error: /, "").split("\n")[0]!;
        // "option '--n <n>' argument 'x' is invalid. expected …" from a parser in options.ts: the option first, as every other error.
        const invalid = /^option '(\S+)[^']*' argument '(.*)' is invalid\. (.*)$/.exec(message);
        const invalidArgument = /^command-argument value '(.*)' is invalid for argument '(\S+)'\. (.*)$/.exec(message);
        const line = invalid !== null ? `${invalid[1]}: ${invalid[3]}, got "${invalid[2]}"`
            : invalidArgument !== null ? `<${invalidArgument[2]}>: ${invalidArgument[3]}, got "${invalidArgument[1]}"` : message;
        return { line: `mellama: ${line} (see --help)`, exitCode: 2 };
    }
    if (error instanceof MellamaError) {
        return { line: `mellama: ${error.message.split("\n")[0]}`, exitCode: error.exitCode };
    }
    const e = error as NodeJS.ErrnoException | undefined;
    if (typeof e?.code === "string" && /^E[A-Z]+$/.test(e.code)) {
        const where = e.path ?? e.syscall ?? "system";
        return { line: `mellama: ${where}: ${SYSTEM_REASONS[e.code] ?? "system error"} (${e.code}${e.syscall === undefined ? "" : ` in ${e.syscall}`})`,
            exitCode: USER_PATH_CODES.has(e.code) ? 2 : 1 };
    }
    const name = error instanceof Error ? error.name : typeof error;
    // Node's own codes (ERR_STRING_TOO_LONG for a file over V8's largest string, …) say what happened without data.
    const code = typeof e?.code === "string" && /^ERR_[A-Z_]+$/.test(e.code) ? ` ${e.code}` : "";
    return { line: `mellama: internal error (${name}${code}); rerun with MELLAMA_DEBUG=1 for the details and please report it`, exitCode: 1 };
}

export function exitWithError(error: unknown): never {
    const { line, exitCode } = describeError(error);
    if (line !== "") {
        process.stderr.write(`${line}\n`);
    }
    if (exitCode !== 0 && process.env.MELLAMA_DEBUG === "1" && error instanceof Error) {
        process.stderr.write(`${error.stack ?? String(error)}\n`);
        if (error.cause !== undefined) {
            process.stderr.write(`cause: ${error.cause instanceof Error ? error.cause.stack : String(error.cause)}\n`);
        }
    }
    process.exit(exitCode);
}
