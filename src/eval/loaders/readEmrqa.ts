/**
 * emrQA in its released SQuAD-like JSON: {data: [{title, paragraphs: [{note_id, context, qas: [{id, question,
 * answers: [{text, answer_start, …}]}]}]}]}. One record per question; the gold is the first answer's text (a list
 * of evidence strings is joined with a space). JSON has no useful lines: the record's 1-based question number
 * in the file stands in for the line in error reports.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { FormatError } from "../../errors/MellamaError.js";
import type { BadRecord } from "./recordErrors.js";
import { isObject } from "./recordErrors.js";

export interface EmrqaRecord {
    id: string;
    context: string;
    question: string;
    answer: string;
}

function answerText(qa: Record<string, unknown>): string | undefined {
    const answers = qa.answers;
    if (!Array.isArray(answers) || !isObject(answers[0])) {
        return undefined;
    }
    const text = answers[0].text;
    if (typeof text === "string") {
        return text;
    }
    return Array.isArray(text) && text.every((t) => typeof t === "string") ? text.join(" ") : undefined;
}

export function readEmrqa(file: string, bad: BadRecord): EmrqaRecord[] {
    let root: unknown;
    try {
        root = JSON.parse(readFileSync(file, "utf8"));
    } catch {
        throw new FormatError(basename(file), "(file)", "not valid JSON");
    }
    if (!isObject(root) || !Array.isArray(root.data)) {
        throw new FormatError(basename(file), "data", "expected {data: [...]} in the SQuAD layout");
    }
    const out: EmrqaRecord[] = [];
    let n = 0;
    for (const article of root.data) {
        const paragraphs = isObject(article) && Array.isArray(article.paragraphs) ? article.paragraphs : [];
        for (const paragraph of paragraphs) {
            if (!isObject(paragraph) || typeof paragraph.context !== "string" || !Array.isArray(paragraph.qas)) {
                bad(n + 1, "paragraph without a string context and a qas list");
                continue;
            }
            for (const qa of paragraph.qas) {
                n++;
                const answer = isObject(qa) ? answerText(qa) : undefined;
                if (!isObject(qa) || typeof qa.question !== "string" || answer === undefined) {
                    bad(n, "question without a string question and an answer text");
                    continue;
                }
                const id = typeof qa.id === "string" || typeof qa.id === "number" ? String(qa.id) : String(n);
                out.push({ id, context: paragraph.context, question: qa.question, answer });
            }
        }
    }
    return out;
}
