/**
 * One policy for malformed records across every loader: `fail` throws a FormatError naming the file and line,
 * `skip` reports the same place to onSkip and drops the record. Reasons describe the defect (a missing field,
 * a bad label), never the record's text, because the records are clinical text.
 */
import { basename } from "node:path";
import { FormatError } from "../../errors/MellamaError.js";
import type { LoadOptions } from "../api/Task.js";

export type BadRecord = (line: number, reason: string) => void;

/** Returns the handler a loader calls for each malformed record of `file`. */
export function recordErrors(file: string, options: Pick<LoadOptions, "onError" | "onSkip">): BadRecord {
    return (line, reason) => {
        if (options.onError === "fail") {
            throw new FormatError(basename(file), `line ${line}`, reason);
        }
        options.onSkip?.({ file, line, reason });
    };
}

/** Thrown inside a record parser to reject the record; loaders turn it into a BadRecord call. */
export class RecordRejected extends Error {}

export function reject(reason: string): never {
    throw new RecordRejected(reason);
}

/** A required string field (numbers are accepted and stringified, as pandas/json would give them). */
export function needString(record: Record<string, unknown>, field: string): string {
    const value = record[field];
    if (typeof value === "string") {
        return value;
    }
    if (typeof value === "number") {
        return String(value);
    }
    return reject(`field "${field}" is missing or not a string`);
}

/** A required list of strings, or a single string taken as a one-element list. */
export function needStringList(record: Record<string, unknown>, field: string): string[] {
    const value = record[field];
    if (typeof value === "string") {
        return [value];
    }
    if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
        return value as string[];
    }
    return reject(`field "${field}" is missing or not a list of strings`);
}

export function isObject(value: unknown): value is Record<string, unknown> {
    return value !== null && typeof value === "object" && !Array.isArray(value);
}
