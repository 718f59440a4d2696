/**
 * Reads instruction records from json (an array, or an object of records), jsonl, tsv (with a header) or csv.
 * Malformed records are reported by file and line — never their text — and skipped or fatal per `onError`.
 */
import { readFileSync, statSync } from "node:fs";
import { parseCsv } from "../util/parseCsv.js";
import { FormatError } from "../errors/MellamaError.js";
import { parseJsonl } from "../util/readJsonl.js";
import type { RawRecord } from "./instructionSources.js";

export type RecordFormat = "json" | "jsonl" | "tsv" | "csv";

export interface ReadRecordsOptions {
    path: string;
    format?: RecordFormat;
    onError?: "skip" | "fail";
    onSkip?: (where: { file: string; line: number; reason: string }) => void;
    /** Refuse files larger than this (bytes) before reading them; 512 MiB, the size of the largest string V8 holds. */
    maxBytes?: number;
}

export interface LocatedRecord {
    record: RawRecord;
    line: number;
}

export function formatOf(path: string): RecordFormat {
    const ext = path.toLowerCase().split(".").pop();
    if (ext === "json" || ext === "jsonl" || ext === "tsv" || ext === "csv") {
        return ext;
    }
    throw new FormatError(path, "extension", `cannot tell the format from ".${ext ?? ""}"; say format: json|jsonl|tsv|csv`);
}

export function readRecords({ path, format = formatOf(path), onError = "skip", onSkip, maxBytes = 512 * 1024 * 1024 }: ReadRecordsOptions): LocatedRecord[] {
    const size = statSync(path).size;
    if (size > maxBytes) {
        throw new FormatError(path, "size", `${size} bytes is over the ${maxBytes}-byte limit`);
    }
    const text = readFileSync(path, "utf8");
    const bad = (line: number, reason: string): void => {
        if (onError === "fail") {
            throw new FormatError(path, `line ${line}`, reason);
        }
        onSkip?.({ file: path, line, reason });
    };
    const isRecord = (v: unknown): v is RawRecord => v !== null && typeof v === "object" && !Array.isArray(v);

    if (format === "jsonl") {
        return parseJsonl(text, bad).map(({ line, value }) => ({ record: value, line }));
    }
    if (format === "json") {
        let value: unknown;
        try {
            value = JSON.parse(text);
        } catch (error) {
            throw new FormatError(path, "json", `not valid JSON (${(error as Error).message.replace(/"[^"]*"/g, "…")})`);
        }
        const items = Array.isArray(value) ? value : isRecord(value) ? Object.values(value) : null;
        if (items === null) {
            throw new FormatError(path, "json", "expected an array or an object of records");
        }
        const out: LocatedRecord[] = [];
        items.forEach((item, i) => {
            if (isRecord(item)) {
                out.push({ record: item, line: i + 1 });
            } else {
                bad(i + 1, "record is not a JSON object (line = record index)");
            }
        });
        return out;
    }
    return parseCsv(path, text, { delimiter: format === "tsv" ? "\t" : ",", relax_column_count: true, quote: format === "tsv" ? false : '"' }, bad);
}
