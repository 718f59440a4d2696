/**
 * MedMCQA: Indian medical entrance exam multiple choice (A–D). Prompt byte for byte from Me-LLaMA
 * src/preprocess_instruct.py class MedMCQA (l.222); scored as vital_measure.py MedMCQA (LOWER_CASE=False).
 * The shared copy is the 2816 single-choice questions of the dev set (MedAgentsBench), not Me-LLaMA's split.
 */
import type { Doc, Task } from "../../api/Task.js";
import { loadTaskDocs } from "../../loaders/loadTaskDocs.js";
import { readMultipleChoice } from "../../loaders/readMultipleChoice.js";
import { createClassificationTask } from "../classificationTask.js";
import type { MultipleChoiceFields } from "../medqa/medqa.js";
import { examOptions, examQuestion } from "../medqa/medqa.js";

export const MEDMCQA_CHOICES = ["A", "B", "C", "D"];

export function medmcqaPrompt({ question, options }: MultipleChoiceFields): string {
    return "You are a medical doctor answering realworld medical entrance exam questions. Based on your understanding "
        + "of basic and clinical science, medical knowledge, and mechanisms underlying health, disease, patient care, and "
        + "modes of therapy, answer the following multiple-choice question. Select one correct answer from A to D. Base "
        + "your answer on the current and standard practices referenced in medical guidelines.\n"
        + `Question: ${examQuestion(question)}\n\nOptions:\n${examOptions(options)}\n\nThe answer is\n`;
}

export const medmcqa: Task = createClassificationTask({
    name: "medmcqa",
    version: 1,
    description: "MedMCQA (shared copy: 2816 single-choice dev questions): pick the letter A–D; acc and macro-F1.",
    strictDifferences: "Paper: case-sensitive, the first of A..D in list order found anywhere in the output wins. "
        + "Strict: the letter comes from an explicit 'answer is X' / 'Answer: X', else a letter opening the output, "
        + "else a bracketed '(X)', else the earliest capital letter standing alone; F1s get seeded bootstrap stderrs.",
    reportedMetrics: ["acc", "macro_f1"],
    fetchHint: "mellama data fetch medmcqa",
    lowerCase: false,
    rule: "first",
    loadDocs: (options) => loadTaskDocs({
        task: "medmcqa",
        fetchHint: "mellama data fetch medmcqa",
        defaultPath: "medmcqa/test_medagentsbench_singlechoice_dev.jsonl",
        read: (file, bad) => readMultipleChoice(file, bad).map((r): Doc => ({
            id: `medmcqa-${r.id}`,
            // Me-LLaMA builds the options from opa..opd as exactly four lines A..D.
            query: medmcqaPrompt(r),
            answer: r.answer,
            choices: MEDMCQA_CHOICES,
            gold: MEDMCQA_CHOICES.indexOf(r.answer),
        })),
    }, options),
});
