/**
 * HoC: which of the 10 Hallmarks of Cancer an abstract is about (multi-label). Prompt byte for byte from Me-LLaMA
 * src/preprocess_instruct.py class HoC (l.284), its 4-space indents included; scored as vital_measure.py HoC:
 * choice i is predicted when it is a case-sensitive substring of the stripped output, per-label binary F1s named
 * "<label>_f1", and macro_f1 = f1_score(preds, golds, average="macro") with the arguments swapped as in the source.
 */
import type { Doc, MetricValue, SampleResult, Scoring, Task } from "../../api/Task.js";
import { loadTaskDocs } from "../../loaders/loadTaskDocs.js";
import { readHoc } from "../../loaders/readHoc.js";
import { bootstrapStderr } from "../../metrics/bootstrapStderr.js";
import { binaryF1, multiLabelMacroF1 } from "../../metrics/multiLabelF1.js";
import { paperChoiceSet, strictChoiceSet } from "../../parsers/matchChoice.js";

export const HOC_CHOICES = ["sustaining proliferative signaling", "evading growth suppressors", "resisting cell death",
    "enabling replicative immortality", "inducing angiogenesis", "activating invasion and metastasis",
    "genomic instability and mutation", "tumor promoting inflammation", "cellular energetics", "avoiding immune destruction"];

export function hocPrompt({ text }: { text: string }): string {
    return "The task is to decide the Hallmarks of Cancer (HOC) taxonomy of the article based on its abstract. The input "
        + "is an abstract text. There are 10 topics you will need to decide whether the article is related to. Topics: "
        + `${HOC_CHOICES.join(", ")}. The output should be topics from the above 10 topics, that are related to the input `
        + "article. Please note one article can be related to multiple topics. Output format: provide a semicolon-separated "
        + `list of relevant topics.\n    ###\n    INPUT: ${text}\n    OUTPUT:\n`;
}

function goldVector(doc: Doc): number[] {
    if (!Array.isArray(doc.gold) || doc.gold.length !== doc.choices.length) {
        throw new RangeError(`doc ${doc.id}: gold is not a 0/1 vector over its choices`);
    }
    return doc.gold;
}

const labelsOf = (vector: readonly number[], choices: readonly string[]): string[] => choices.filter((_, i) => vector[i] === 1);
const vectorOf = (labels: readonly string[], choices: readonly string[]): number[] => choices.map((c) => (labels.includes(c) ? 1 : 0));

function processResult(doc: Doc, output: string, scoring: Scoring): SampleResult {
    const gold = goldVector(doc);
    const pred = scoring === "paper" ? paperChoiceSet(output, doc.choices) : strictChoiceSet(output, doc.choices);
    const exact = pred.every((p, i) => p === gold[i]) ? 1 : 0;
    return { parsed: labelsOf(pred, doc.choices), gold: labelsOf(gold, doc.choices), scores: { exact_match: exact } };
}

function aggregate(docs: readonly Doc[], samples: readonly SampleResult[], scoring: Scoring): Record<string, MetricValue> {
    const choices = docs[0]?.choices ?? HOC_CHOICES;
    const rows = samples.map((s) => ({
        pred: vectorOf(s.parsed as string[], choices),
        gold: vectorOf(s.gold as string[], choices),
    }));
    const out: Record<string, MetricValue> = {};
    choices.forEach((choice, j) => {
        out[`${choice}_f1`] = { value: binaryF1(rows.map((r) => r.gold[j]!), rows.map((r) => r.pred[j]!)), stderr: null };
    });
    // Paper: y_true = preds (swapped), every label column averaged. Strict: y_true = golds, and labels absent
    // from both sides are left out of the average instead of counting as F1 = 0.
    const macro = (items: readonly { pred: number[]; gold: number[] }[]): number => (scoring === "paper"
        ? multiLabelMacroF1(items.map((r) => r.pred), items.map((r) => r.gold), choices.length)
        : multiLabelMacroF1(items.map((r) => r.gold), items.map((r) => r.pred), choices.length, { skipEmpty: true }));
    out.macro_f1 = { value: macro(rows), stderr: scoring === "paper" ? null : bootstrapStderr(rows, macro) };
    return out;
}

function toDoc(r: { pmid: string; text: string; labels: string[] }): Doc {
    return { id: `hoc-${r.pmid}`, query: hocPrompt(r), answer: r.labels.join(";"), choices: HOC_CHOICES, gold: vectorOf(r.labels, HOC_CHOICES) };
}

export const hoc: Task = {
    name: "hoc",
    version: 1,
    description: "Hallmarks of Cancer (BLUE test, 315 abstracts): multi-label topic classification over 10 hallmarks; macro-F1.",
    strictDifferences: "Paper: case-sensitive substrings of the output; macro-F1 with sklearn's arguments swapped and "
        + "labels absent on both sides counted as F1 0. Strict: case-insensitive whole-phrase matches; macro-F1 with "
        + "y_true = gold over the labels present in gold or prediction, with a seeded bootstrap stderr.",
    reportedMetrics: ["macro_f1"],
    generation: { until: [], maxTokens: 256 },
    fetchHint: "mellama data fetch hoc",
    loadDocs: (options) => loadTaskDocs({
        task: "hoc",
        fetchHint: "mellama data fetch hoc",
        defaultPath: "hoc/blue_split/test.tsv",
        read: (file, bad) => readHoc(file, bad, HOC_CHOICES).map(toDoc),
    }, options),
    // BLUE's train split.
    loadTrainDocs: (options) => loadTaskDocs({
        task: "hoc_train",
        fetchHint: "mellama data fetch hoc",
        defaultPath: "hoc/blue_split/train.tsv",
        read: (file, bad) => readHoc(file, bad, HOC_CHOICES).map(toDoc),
    }, { ...options, path: undefined }),
    processResult,
    aggregate,
};
