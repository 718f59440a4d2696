/**
 * Reads a cases jsonl file (see DiagnosisCase). A record without an id, without a gold diagnosis, with an empty
 * presentation, with a malformed optional field or with an id seen before is a bad record: reported by line
 * through `bad` (skipped or refused by --on-error), the reason naming the field, never quoting case text.
 */
import { readFileSync } from "node:fs";
import type { BadRecord } from "../../loaders/recordErrors.js";
import { needString, RecordRejected, reject } from "../../loaders/recordErrors.js";
import { parseJsonlLine } from "../../../util/readJsonl.js";
import type { DiagnosisCase } from "./DiagnosisCase.js";

function optionalList(record: Record<string, unknown>, field: string): string[] {
    const value = record[field];
    if (value === undefined || value === null) {
        return [];
    }
    if (typeof value === "string") {
        return value.trim() === "" ? [] : [value];
    }
    if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
        return (value as string[]).filter((v) => v.trim() !== "");
    }
    return reject(`field "${field}" is not a string or a list of strings`);
}

function optionalString(record: Record<string, unknown>, field: string): string | undefined {
    const value = record[field];
    if (value === undefined || value === null) {
        return undefined;
    }
    return typeof value === "string" ? value : reject(`field "${field}" is not a string`);
}

export function parseCase(record: Record<string, unknown>): DiagnosisCase {
    const id = needString(record, "id").trim();
    if (id === "") {
        reject('field "id" is empty');
    }
    if (record.diagnosis === undefined || record.diagnosis === null) {
        reject('no gold diagnosis (field "diagnosis")');
    }
    const diagnosis = needString(record, "diagnosis").trim();
    if (diagnosis === "") {
        reject('field "diagnosis" is empty');
    }
    const presentation = needString(record, "presentation");
    if (presentation.trim() === "") {
        reject('field "presentation" is empty');
    }
    return { id, presentation, diagnosis, synonyms: optionalList(record, "synonyms"), icd10: optionalList(record, "icd10"),
        source: optionalString(record, "source"), date: optionalString(record, "date") };
}

export function readCases(file: string, bad: BadRecord): DiagnosisCase[] {
    const seen = new Map<string, number>();
    const out: DiagnosisCase[] = [];
    const lines = readFileSync(file, "utf8").split("\n");
    for (let i = 0; i < lines.length; i++) {
        const line = i + 1;
        const value = parseJsonlLine(lines[i]!);
        if (value === null) {
            continue;
        }
        try {
            if (typeof value === "string") {
                reject(value);
            }
            const c = parseCase(value);
            const first = seen.get(c.id);
            if (first !== undefined) {
                reject(`duplicate id (first at line ${first})`);
            }
            seen.set(c.id, line);
            out.push(c);
        } catch (error) {
            if (!(error instanceof RecordRejected)) {
                throw error;
            }
            bad(line, error.message);
        }
    }
    return out;
}
