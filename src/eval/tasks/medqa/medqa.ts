/**
 * MedQA (USMLE): multiple choice, answer a letter. Prompt byte for byte from Me-LLaMA src/preprocess_instruct.py
 * class MedQA (l.199), including "from A to E" and choices A–E even for the 4-option test set (the paper's code
 * fixes both); scored as vital_measure.py MedQA (Classification, LOWER_CASE=False).
 */
import type { Doc, Task } from "../../api/Task.js";
import { loadTaskDocs } from "../../loaders/loadTaskDocs.js";
import { readMultipleChoice } from "../../loaders/readMultipleChoice.js";
import { createClassificationTask } from "../classificationTask.js";

export const MEDQA_CHOICES = ["A", "B", "C", "D", "E"];

export interface MultipleChoiceFields {
    question: string;
    /** [letter, text] pairs in display order. */
    options: readonly (readonly [string, string])[];
}

/** Me-LLaMA appends "?" to a question that ends in neither "?" nor ".". */
export function examQuestion(question: string): string {
    return question.endsWith("?") || question.endsWith(".") ? question : `${question}?`;
}

export function examOptions(options: readonly (readonly [string, string])[]): string {
    return options.map(([key, value]) => `${key}. ${value}`).join("\n");
}

export function medqaPrompt({ question, options }: MultipleChoiceFields): string {
    return "You are a medical doctor taking the US Medical Licensing Examination. You need to demonstrate your "
        + "understanding of basic and clinical science, medical knowledge, and mechanisms underlying health, disease, "
        + "patient care, and modes of therapy. Show your ability to apply the knowledge essential for medical practice. "
        + "For the following multiple-choice question, select one correct answer from A to E. Base your answer on the "
        + "current and standard practices referenced in medical guidelines.\n"
        + `Question: ${examQuestion(question)}\n\nOptions:\n${examOptions(options)}\n\nThe answer is\n`;
}

export const medqa: Task = createClassificationTask({
    name: "medqa",
    version: 1,
    description: "MedQA USMLE test (1273, 4 options in the shared copy): pick the letter; acc and macro-F1.",
    strictDifferences: "Paper: case-sensitive, the first of A..E in list order found ANYWHERE in the output wins, so "
        + "'A 45-year-old… the answer is C' scores as A. Strict: the letter comes from an explicit 'answer is X' / "
        + "'Answer: X', else a letter opening the output ('B. …', '(B)'), else a bracketed '(X)', else the earliest "
        + "capital letter standing alone; F1s get seeded bootstrap stderrs.",
    reportedMetrics: ["acc", "macro_f1"],
    fetchHint: "mellama data fetch medqa",
    lowerCase: false,
    rule: "first",
    loadDocs: (options) => loadTaskDocs({
        task: "medqa",
        fetchHint: "mellama data fetch medqa",
        defaultPath: "medqa/test.jsonl",
        read: (file, bad) => readMultipleChoice(file, bad).map((r): Doc => ({
            id: `medqa-${r.id}`,
            query: medqaPrompt(r),
            answer: r.answer,
            choices: MEDQA_CHOICES,
            gold: MEDQA_CHOICES.indexOf(r.answer),
        })),
    }, options),
});
