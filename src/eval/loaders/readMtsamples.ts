/**
 * MTSamples (mtsamples.csv: note_id, description, medical_specialty, sample_name, transcription, keywords; quoted
 * multi-line fields) and the seeded split that stands in for Me-LLaMA's unpublished one.
 *
 * The split (recorded in docs/tasks/mtsample.md and frozen by a test): drop rows whose transcription is empty
 * (33 of 4999: nothing to classify), shuffle the rest in file order with mellama's Rng seeded 1234 (Me-LLaMA's
 * random seed), then test = the first 999 (the paper's test size), valid = the next 500, train = the remaining
 * 3467. Specialty names are trimmed (some copies carry a leading space).
 */
import { readFileSync } from "node:fs";
import { parseCsv } from "../../util/parseCsv.js";
import { Rng } from "../../util/rng.js";
import type { BadRecord } from "./recordErrors.js";

export interface MtsampleRecord {
    id: string;
    /** Line of the record's end in the csv (records span lines), for error reports. */
    line: number;
    specialty: string;
    transcription: string;
}

export type MtsampleSplit = "train" | "valid" | "test";

export const MTSAMPLE_SPLIT = { seed: 1234, test: 999, valid: 500 } as const;

export function readMtsamples(file: string, bad: BadRecord): MtsampleRecord[] {
    const rows = parseCsv(file, readFileSync(file), { relax_column_count: false }, bad);
    const out: MtsampleRecord[] = [];
    for (const { record, line } of rows as { record: Record<string, string | undefined>; line: number }[]) {
        const info = { lines: line };
        const specialty = record.medical_specialty?.trim();
        const transcription = record.transcription?.trim();
        if (specialty === undefined || specialty === "" || transcription === undefined) {
            bad(info.lines, "missing medical_specialty or transcription column");
            continue;
        }
        if (transcription === "") {
            // Not malformed: the source has 33 notes without a transcription, which the split excludes by design.
            continue;
        }
        out.push({ id: record.note_id ?? String(out.length), line: info.lines, specialty, transcription });
    }
    return out;
}

export function mtsampleSplit(records: readonly MtsampleRecord[], split: MtsampleSplit): MtsampleRecord[] {
    const shuffled = new Rng(MTSAMPLE_SPLIT.seed).shuffle([...records]);
    const { test, valid } = MTSAMPLE_SPLIT;
    if (split === "test") {
        return shuffled.slice(0, test);
    }
    return split === "valid" ? shuffled.slice(test, test + valid) : shuffled.slice(test + valid);
}
