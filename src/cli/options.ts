/**
 * The option parsers every command uses (commander custom parsers): a value that does not parse, or is out of
 * bounds, stops the command before any work with one line naming the option and what it takes, exit status 2.
 *
 *     .option("--max-tokens <n>", "maximum new tokens", intArg(1, 1_000_000), 128)
 *     .option("--temperature <t>", "0 = greedy", numberArg(0, 100), 0)
 *     .option("--scoring <mode>", "paper | strict", choiceArg(["paper", "strict"]), "paper")
 *     .requiredOption("--base <dir>", "base model", pathArg("dir"))
 *
 * A default given to `.option` is shown by `--help` as "(default: …)"; it is not passed through the parser, so give
 * it already typed (128, not "128").
 */
import { statSync } from "node:fs";
import { InvalidArgumentError } from "commander";

const fmt = (n: number): string => (Math.abs(n) >= 1e6 && Number.isInteger(n) ? n.toExponential().replace("+", "") : String(n));

/** An integer in [min, max] (decimal digits, optional sign; "1e3", "0x10", "12abc" and "" are refused). */
export function intArg(min: number = Number.MIN_SAFE_INTEGER, max: number = Number.MAX_SAFE_INTEGER): (value: string) => number {
    return (value) => {
        const n = /^[+-]?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
        if (!Number.isSafeInteger(n) || n < min || n > max) {
            throw new InvalidArgumentError(`expected an integer in [${fmt(min)}, ${fmt(max)}]`);
        }
        return n;
    };
}

/** A finite number in [min, max]. */
export function numberArg(min = -Number.MAX_VALUE, max = Number.MAX_VALUE): (value: string) => number {
    return (value) => {
        const n = value.trim() === "" ? Number.NaN : Number(value);
        if (!Number.isFinite(n) || n < min || n > max) {
            throw new InvalidArgumentError(`expected a number in [${fmt(min)}, ${fmt(max)}]`);
        }
        return n;
    };
}

/** One of `choices`. */
export function choiceArg<T extends string>(choices: readonly T[]): (value: string) => T {
    return (value) => {
        if (!(choices as readonly string[]).includes(value)) {
            throw new InvalidArgumentError(`expected one of ${choices.join(", ")}`);
        }
        return value as T;
    };
}

/** A path that exists now: a regular file, a directory, or either. */
export function pathArg(kind: "file" | "dir" | "any" = "any"): (value: string) => string {
    return (value) => {
        let isDir: boolean;
        try {
            const stat = statSync(value);
            if (!stat.isFile() && !stat.isDirectory()) {
                throw new InvalidArgumentError("is neither a regular file nor a directory");
            }
            isDir = stat.isDirectory();
        } catch (error) {
            if (error instanceof InvalidArgumentError) {
                throw error;
            }
            const code = (error as NodeJS.ErrnoException).code;
            throw new InvalidArgumentError(code === "ENOENT" ? "no such file or directory" : `cannot be read (${code ?? "error"})`);
        }
        if (kind === "file" && isDir) {
            throw new InvalidArgumentError("is a directory; a file is expected");
        }
        if (kind === "dir" && !isDir) {
            throw new InvalidArgumentError("is a file; a directory is expected");
        }
        return value;
    };
}

/** Repeatable option: collects every value (each checked by `parse`). */
export function listArg<T = string>(parse: (value: string) => T = (v) => v as T): (value: string, previous?: T[]) => T[] {
    return (value, previous = []) => [...previous, parse(value)];
}
