/**
 * Reader for Me-LLaMA's own evaluation layout, one record per doc: {id?, query, answer, choices?, gold?}, as the
 * clinicalnlplab/*_test datasets store them (jsonl, or the Hub's parquet export). The query already holds the
 * filled prompt, so these docs are used as they are. Not here: the original dataset formats (one loader each).
 */
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { parquetReadObjects } from "hyparquet";
import type { Doc } from "../api/Task.js";
import { readJsonl } from "../../util/readJsonl.js";
import type { BadRecord } from "./recordErrors.js";
import { isObject, needString, RecordRejected, reject } from "./recordErrors.js";

/** True when the file is in this layout: parquet always is; jsonl when its first record has a string `query`. */
export function isMeLlamaLayout(file: string): boolean {
    if (file.endsWith(".parquet")) {
        return true;
    }
    if (!file.endsWith(".jsonl")) {
        return false;
    }
    // Only the first record is needed: read a bounded prefix, not the whole file.
    const fd = openSync(file, "r");
    const head = Buffer.alloc(1 << 20);
    const n = readSync(fd, head, 0, head.length, 0);
    closeSync(fd);
    // A first record longer than the prefix (a long article) falls back to reading the file.
    const text = n === head.length && !head.includes(10) ? readFileSync(file, "utf8") : head.subarray(0, n).toString("utf8");
    const first = text.slice(0, text.indexOf("\n") >= 0 ? text.indexOf("\n") : text.length);
    try {
        const value: unknown = JSON.parse(first);
        return isObject(value) && typeof value.query === "string";
    } catch {
        return false;
    }
}

function toNumber(value: unknown): number | undefined {
    if (typeof value === "bigint") {
        return Number(value);
    }
    return typeof value === "number" && Number.isInteger(value) ? value : undefined;
}

/** Validates one record into a Doc; `taskPrefix` names docs without an id as Me-LLaMA does (`<Task><index>`). */
export function meLlamaRecordToDoc(record: Record<string, unknown>, index: number, taskPrefix: string): Doc {
    const query = needString(record, "query");
    const answer = needString(record, "answer");
    const id = typeof record.id === "string" ? record.id : `${taskPrefix}${index}`;
    const rawChoices = record.choices ?? [];
    if (!Array.isArray(rawChoices) || !rawChoices.every((c) => typeof c === "string")) {
        return reject(`field "choices" is not a list of strings`);
    }
    const choices = rawChoices as string[];
    let gold: number | number[] = -1;
    const rawGold = record.gold;
    if (Array.isArray(rawGold)) {
        const vector = rawGold.map(toNumber);
        if (vector.some((v) => v !== 0 && v !== 1) || vector.length !== choices.length) {
            return reject(`field "gold" is not a 0/1 vector over the choices`);
        }
        gold = vector as number[];
    } else if (rawGold !== undefined && rawGold !== null) {
        const g = toNumber(rawGold);
        if (g === undefined || g < 0 || g >= choices.length) {
            return reject(`field "gold" is not an index into "choices"`);
        }
        gold = g;
    } else if (choices.length > 0) {
        return reject(`field "gold" is missing`);
    }
    return { id, query, answer, choices, gold };
}

export async function readMeLlamaLayout(file: string, taskPrefix: string, bad: BadRecord): Promise<Doc[]> {
    let records: { line: number; value: Record<string, unknown> }[];
    if (file.endsWith(".parquet")) {
        const bytes = readFileSync(file);
        const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
        const rows = await parquetReadObjects({ file: buffer });
        // Parquet has no lines: the row number (1-based) stands in for the line in error messages.
        records = rows.map((value, i) => ({ line: i + 1, value: value as Record<string, unknown> }));
    } else {
        records = readJsonl(file, bad);
    }
    const docs: Doc[] = [];
    for (const { line, value } of records) {
        try {
            docs.push(meLlamaRecordToDoc(value, docs.length, taskPrefix));
        } catch (error) {
            if (!(error instanceof RecordRejected)) {
                throw error;
            }
            bad(line, error.message);
        }
    }
    return docs;
}
