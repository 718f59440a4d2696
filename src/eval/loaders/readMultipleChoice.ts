/**
 * Multiple-choice exam records (MedQA, MedMCQA) in the formats they circulate in, normalised to
 * {id, question, options: [[letter, text]…], answer letter}:
 * - MedQA jsonl (jind11 / MedAgentsBench): {question, options: {A: …} or [{key, value}…], answer_idx, realidx?};
 * - MedMCQA original: {id, question, opa, opb, opc, opd, cop (0-3, or 1-4 in some exports: see `copBase`)};
 * - MedMCQA MedAgentsBench: {question, realidx, options: {A..D}, answer_idx}.
 * Files are .jsonl, or .json holding an array of such records.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { FormatError } from "../../errors/MellamaError.js";
import { readJsonl } from "../../util/readJsonl.js";
import type { BadRecord } from "./recordErrors.js";
import { isObject, needString, RecordRejected, reject } from "./recordErrors.js";

export interface MultipleChoiceRecord {
    id: string;
    question: string;
    options: [string, string][];
    answer: string;
}

const LETTERS = ["A", "B", "C", "D", "E"];

function options(record: Record<string, unknown>): [string, string][] {
    const raw = record.options;
    if (Array.isArray(raw)) {
        return raw.map((item) => {
            if (!isObject(item) || typeof item.key !== "string" || typeof item.value !== "string") {
                return reject(`field "options" holds an item without string key and value`);
            }
            return [item.key, item.value];
        });
    }
    if (isObject(raw)) {
        return Object.entries(raw).map(([key, value]) => {
            if (typeof value !== "string") {
                return reject(`option ${key} is not a string`);
            }
            return [key, value];
        });
    }
    if (typeof record.opa === "string") {
        // MedMCQA's original columns.
        return (["opa", "opb", "opc", "opd"] as const).map((field, i) => [LETTERS[i]!, needString(record, field)]);
    }
    return reject(`no "options" field and no opa..opd fields`);
}

function answerLetter(record: Record<string, unknown>, opts: [string, string][]): string {
    let letter: string;
    if (typeof record.answer_idx === "string") {
        letter = record.answer_idx;
    } else if (typeof record.cop === "number") {
        // Me-LLaMA indexes choices[cop] with cop in 0..3 (the HF openlifescienceai/medmcqa convention).
        letter = LETTERS[record.cop] ?? "";
    } else {
        return reject(`no "answer_idx" or "cop" field`);
    }
    if (!opts.some(([key]) => key === letter)) {
        return reject("the answer is not one of the options");
    }
    return letter;
}

function toRecord(value: Record<string, unknown>, index: number): MultipleChoiceRecord {
    const question = needString(value, "question");
    const opts = options(value);
    const answer = answerLetter(value, opts);
    const rawId = value.id ?? value.realidx;
    const id = typeof rawId === "string" || typeof rawId === "number" ? String(rawId) : String(index);
    return { id, question, options: opts, answer };
}

export function readMultipleChoice(file: string, bad: BadRecord): MultipleChoiceRecord[] {
    let records: { line: number; value: unknown }[];
    if (file.endsWith(".json")) {
        let parsed: unknown;
        try {
            parsed = JSON.parse(readFileSync(file, "utf8"));
        } catch {
            throw new FormatError(basename(file), "(file)", "not valid JSON");
        }
        if (!Array.isArray(parsed)) {
            throw new FormatError(basename(file), "(file)", "expected a JSON array of records");
        }
        // A JSON array has no record lines: the 1-based record number stands in for the line.
        records = parsed.map((value, i) => ({ line: i + 1, value }));
    } else {
        records = readJsonl(file, bad);
    }
    const out: MultipleChoiceRecord[] = [];
    records.forEach(({ line, value }, i) => {
        try {
            if (!isObject(value)) {
                reject("not a JSON object");
            }
            out.push(toRecord(value, i));
        } catch (error) {
            if (!(error instanceof RecordRejected)) {
                throw error;
            }
            bad(line, error.message);
        }
    });
    return out;
}
