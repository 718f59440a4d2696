/**
 * BioNLI: does a biomedical abstract's premise support a (possibly perturbed) conclusion? Me-LLaMA evaluates it as a
 * classification task, but its repository has no BioNLI prompt builder: the prompt and the two-label choice list
 * here are UNVERIFIED reconstructions modelled on the MedNLI prompt (see docs/tasks/bionli.md). Scored as
 * vital_measure.py BioNLI (Classification, LOWER_CASE=True).
 *
 * Reads the BioNLI release as CSV or jsonl with a premise (`premise` or `supp_set`), a hypothesis (`hypothesis` or
 * `conclusion`) and a label: `label` (entailment/contradiction, or 1/0) or `label_cat` ("pos" = the original
 * conclusion = entailment; any perturbation type = contradiction).
 */
import { readFileSync } from "node:fs";
import { parseCsv } from "../../../util/parseCsv.js";
import type { Doc, Task } from "../../api/Task.js";
import { loadTaskDocs } from "../../loaders/loadTaskDocs.js";
import { readJsonl } from "../../../util/readJsonl.js";
import type { BadRecord } from "../../loaders/recordErrors.js";
import { createClassificationTask } from "../classificationTask.js";
import type { NliFields } from "../mednli/mednli.js";
import { nliText } from "../mednli/mednli.js";

export const BIONLI_CHOICES = ["entailment", "contradiction"];

export function bionliPrompt(fields: NliFields): string {
    return "\nTASK: Please classify the relationship between the given premise and hypothesis into one of the following "
        + "labels: entailment or contradiction. Return only the label.\n"
        + `###\nINPUT: ${nliText(fields)}\nOUTPUT:\n`;
}

function field(record: Record<string, unknown>, ...names: string[]): string | undefined {
    for (const name of names) {
        const v = record[name];
        if (typeof v === "string" || typeof v === "number") {
            return String(v);
        }
    }
    return undefined;
}

function label(record: Record<string, unknown>): string | undefined {
    const direct = field(record, "label")?.trim().toLowerCase();
    if (direct === "entailment" || direct === "1") {
        return "entailment";
    }
    if (direct === "contradiction" || direct === "0") {
        return "contradiction";
    }
    const cat = field(record, "label_cat")?.trim();
    if (cat === undefined || cat === "") {
        return undefined;
    }
    return cat === "pos" ? "entailment" : "contradiction";
}

export function readBionli(file: string, bad: BadRecord): Doc[] {
    const rows: { line: number; value: Record<string, unknown> }[] = file.endsWith(".csv")
        ? parseCsv(file, readFileSync(file), {}, bad).map((r) => ({ line: r.line, value: r.record as Record<string, unknown> }))
        : readJsonl(file, bad);
    const docs: Doc[] = [];
    for (const { line, value } of rows) {
        const premise = field(value, "premise", "supp_set");
        const hypothesis = field(value, "hypothesis", "conclusion");
        const answer = label(value);
        if (premise === undefined || hypothesis === undefined || answer === undefined) {
            bad(line, "needs premise/supp_set, hypothesis/conclusion and label/label_cat");
            continue;
        }
        const id = field(value, "id", "index") ?? String(docs.length);
        docs.push({ id: `bionli-${id}`, query: bionliPrompt({ premise, hypothesis }), answer, choices: BIONLI_CHOICES,
            gold: BIONLI_CHOICES.indexOf(answer) });
    }
    return docs;
}

export const bionli: Task = createClassificationTask({
    name: "bionli",
    version: 1,
    description: "BioNLI test (6308 pairs, on request from the authors): entailment or contradiction; macro-F1. Prompt UNVERIFIED.",
    strictDifferences: "Paper: lowercased substrings, first of entailment/contradiction in list order wins. "
        + "Strict: whole-word matches, the earliest wins; F1s get seeded bootstrap stderrs.",
    reportedMetrics: ["macro_f1"],
    fetchHint: "mellama data fetch bionli",
    lowerCase: true,
    rule: "first",
    loadDocs: (options) => loadTaskDocs({
        task: "bionli", fetchHint: "mellama data fetch bionli", defaultPath: "bionli/test.csv", read: readBionli,
    }, options),
});
