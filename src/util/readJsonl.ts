/** JSON-lines reader: each non-blank line is parsed; a line that is not a JSON object is a malformed record. */
import { readFileSync } from "node:fs";

/** Called for each malformed line: its number and the defect (never the line's text). */
type BadRecord = (line: number, reason: string) => void;

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === "object" && !Array.isArray(value);

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
        const r = parseJsonlLine(raw);
        if (typeof r === "string") {
            bad(line, r);
        } else if (r !== null) {
            out.push({ line, value: r });
        }
    }
    return out;
}

/**
 * One line of JSON lines: its object, null for a blank line, or why it is a malformed record (never quoting it).
 * Shared by this reader and the corpus's streaming one.
 */
export function parseJsonlLine(raw: string): Record<string, unknown> | string | null {
    if (raw.trim() === "") {
        return null;
    }
    let value: unknown;
    try {
        value = JSON.parse(raw);
    } catch {
        return "not valid JSON";
    }
    return isObject(value) ? value : "not a JSON object";
}
