/** JSON-lines reader: each non-blank line is parsed; a line that is not a JSON object is a malformed record. */
import { readFileSync } from "node:fs";
import type { BadRecord } from "./recordErrors.js";
import { isObject } from "./recordErrors.js";

export interface JsonlRecord {
    line: number;
    value: Record<string, unknown>;
}

export function readJsonl(file: string, bad: BadRecord): JsonlRecord[] {
    return parseJsonl(readFileSync(file, "utf8"), bad);
}

/** The records of JSON-lines text; line numbers count from 1 and include blank lines. */
export function parseJsonl(text: string, bad: BadRecord): JsonlRecord[] {
    const out: JsonlRecord[] = [];
    let line = 0;
    for (const raw of text.split("\n")) {
        line++;
        if (raw.trim() === "") {
            continue;
        }
        let value: unknown;
        try {
            value = JSON.parse(raw);
        } catch {
            bad(line, "not valid JSON");
            continue;
        }
        if (!isObject(value)) {
            bad(line, "not a JSON object");
            continue;
        }
        out.push({ line, value });
    }
    return out;
}
