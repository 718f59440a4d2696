/**
 * MedNLI: entailment / contradiction / neutral between a clinical premise and hypothesis. Prompt byte for byte
 * from Me-LLaMA src/preprocess_instruct.py class MedNLI (l.121); scored as vital_measure.py MedNLI
 * (Classification, LOWER_CASE=True). Reads PhysioNet's mli_*_v1.jsonl {pairID, sentence1, sentence2, gold_label}.
 */
import type { Doc, Task } from "../../api/Task.js";
import { loadTaskDocs } from "../../loaders/loadTaskDocs.js";
import { readJsonl } from "../../../util/readJsonl.js";
import type { BadRecord } from "../../loaders/recordErrors.js";
import { needString } from "../../loaders/recordErrors.js";
import { createClassificationTask } from "../classificationTask.js";

export const NLI_CHOICES = ["entailment", "contradiction", "neutral"];

export interface NliFields {
    premise: string;
    hypothesis: string;
}

/** Me-LLaMA's input text: "[PRE] premise [HYP] hypothesis". */
export function nliText({ premise, hypothesis }: NliFields): string {
    return `[PRE] ${premise} [HYP] ${hypothesis}`;
}

export function mednliPrompt(fields: NliFields): string {
    return "\nTASK: Please classify the relationship between the given premise and hypothesis into one of the following "
        + "labels: entailment, contradiction, or neutral. Return only the label.\n"
        + `###\nINPUT: ${nliText(fields)}\nOUTPUT:\n`;
}

export function readMednli(file: string, bad: BadRecord): Doc[] {
    const docs: Doc[] = [];
    for (const { line, value } of readJsonl(file, bad)) {
        const label = value.gold_label;
        if (typeof label !== "string" || !NLI_CHOICES.includes(label)) {
            bad(line, "gold_label is not entailment, contradiction or neutral");
            continue;
        }
        if (typeof value.sentence1 !== "string" || typeof value.sentence2 !== "string") {
            bad(line, "sentence1 or sentence2 is missing or not a string");
            continue;
        }
        const id = typeof value.pairID === "string" ? value.pairID : String(docs.length);
        docs.push({
            id: `mednli-${id}`,
            query: mednliPrompt({ premise: needString(value, "sentence1"), hypothesis: needString(value, "sentence2") }),
            answer: label, choices: NLI_CHOICES, gold: NLI_CHOICES.indexOf(label),
        });
    }
    return docs;
}

export const mednli: Task = createClassificationTask({
    name: "mednli",
    version: 1,
    description: "MedNLI test (credentialed; 1422 pairs): entailment, contradiction or neutral; macro-F1.",
    strictDifferences: "Paper: lowercased substrings, first of entailment/contradiction/neutral in list order wins "
        + "('not entailment but contradiction' scores as entailment). Strict: whole-word matches, the earliest wins; "
        + "F1s get seeded bootstrap stderrs.",
    reportedMetrics: ["macro_f1"],
    fetchHint: "mellama data fetch mednli",
    lowerCase: true,
    rule: "first",
    loadDocs: (options) => loadTaskDocs({
        task: "mednli", fetchHint: "mellama data fetch mednli", defaultPath: "mednli/mli_test_v1.jsonl", read: readMednli,
    }, options),
});
