/**
 * PubMedQA (PQA-L, 500 official test questions): yes/no/maybe over an abstract's contexts. Prompt byte for byte
 * from Me-LLaMA src/preprocess_instruct.py class PubmedQA (l.182); scored as vital_measure.py PUBMEDQA
 * (Classification, LOWER_CASE=True).
 */
import type { Doc, Task } from "../../api/Task.js";
import { loadTaskDocs } from "../../loaders/loadTaskDocs.js";
import type { PubmedqaRecord } from "../../loaders/readPubmedqa.js";
import { readPubmedqa } from "../../loaders/readPubmedqa.js";
import { createClassificationTask } from "../classificationTask.js";

export const PUBMEDQA_CHOICES = ["yes", "no", "maybe"];

export interface PubmedqaFields {
    /** The CONTEXTS list, joined with "\n" by the builder. */
    contexts: readonly string[];
    question: string;
}

export function pubmedqaPrompt({ contexts, question }: PubmedqaFields): string {
    return "As an expert doctor in clinical science and medical knowledge, can you tell me if the following statement is correct? "
        + `Answer yes, no, or maybe.\n${contexts.join("\n")}\n${question}\nThe answer is:\n`;
}

function toDoc(r: PubmedqaRecord): Doc {
    return { id: `pubmedqa-${r.pmid}`, query: pubmedqaPrompt({ contexts: r.contexts, question: r.question }), answer: r.finalDecision,
        choices: PUBMEDQA_CHOICES, gold: PUBMEDQA_CHOICES.indexOf(r.finalDecision) };
}

export const pubmedqa: Task = createClassificationTask({
    name: "pubmedqa",
    version: 1,
    description: "PubMedQA (PQA-L test, 500): answer yes, no or maybe about a PubMed abstract; acc and macro-F1.",
    strictDifferences: "Paper: lowercased output, first of yes/no/maybe (list order) found as a substring, so "
        + "'I do not know, maybe' scores as no and 'yesterday' as yes. Strict: whole-word matches only, the earliest one in the output wins; "
        + "F1s get seeded bootstrap stderrs.",
    reportedMetrics: ["acc", "macro_f1"],
    fetchHint: "mellama data fetch pubmedqa",
    lowerCase: true,
    rule: "first",
    loadDocs: (options) => loadTaskDocs({
        task: "pubmedqa",
        fetchHint: "mellama data fetch pubmedqa",
        defaultPath: "pubmedqa/ori_pqal.json",
        read: (file, bad) => readPubmedqa(file, bad, "test").map(toDoc),
    }, options),
    // The 500 labelled PQA-L questions outside the official test split.
    loadTrainDocs: (options) => loadTaskDocs({
        task: "pubmedqa_train",
        fetchHint: "mellama data fetch pubmedqa",
        defaultPath: "pubmedqa/ori_pqal.json",
        read: (file, bad) => readPubmedqa(file, bad, "train").map(toDoc),
    }, { ...options, path: undefined }),
});
