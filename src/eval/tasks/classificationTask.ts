/**
 * The shape shared by Me-LLaMA's single-label classification tasks (PubMedQA, MedQA, MedMCQA, DDI-2013,
 * MTSample, BioNLI, MedNLI): choice parsing, per-sample acc/missing, and corpus-level weighted and macro F1 with
 * labels = set(golds) (vital_measure.py Classification). Each task supplies its prompt, choices, case rule and
 * loader; this file supplies processResult and aggregate. Not here: multi-label HoC, QA, NER, summarization.
 */
import type { Doc, LoadOptions, MetricValue, SampleResult, Scoring, Task } from "../api/Task.js";
import { bootstrapStderr } from "../metrics/bootstrapStderr.js";
import { classF1 } from "../metrics/classF1.js";
import { meanWithStderr } from "../metrics/mean.js";
import { MISSING, normalizeLabel, paperExactlyOneChoice, paperFirstChoice, strictExactlyOneChoice, strictFirstChoice } from "../parsers/matchChoice.js";

export interface ClassificationTaskSpec {
    name: string;
    version: number;
    description: string;
    strictDifferences: string;
    reportedMetrics: string[];
    fetchHint: string;
    /** Me-LLaMA's LOWER_CASE flag (paper scoring only). */
    lowerCase: boolean;
    /** "first": first choice in list order; "exactlyOne": DDI's rule. */
    rule: "first" | "exactlyOne";
    loadDocs(options: LoadOptions): Promise<Doc[]>;
    /** The train split few-shot examples are drawn from, where the task has one. */
    loadTrainDocs?(options: LoadOptions): Promise<Doc[]>;
}

export function goldLabel(doc: Doc): string {
    if (typeof doc.gold !== "number" || doc.gold < 0 || doc.gold >= doc.choices.length) {
        throw new RangeError(`doc ${doc.id}: gold is not an index into its choices`);
    }
    return doc.choices[doc.gold]!;
}

export function classificationResult(doc: Doc, output: string, scoring: Scoring, lowerCase: boolean,
    rule: "first" | "exactlyOne"): SampleResult {
    const raw = goldLabel(doc);
    let parsed: string;
    let gold: string;
    if (scoring === "paper") {
        gold = lowerCase && rule === "first" ? raw.toLowerCase() : raw;
        parsed = rule === "first" ? paperFirstChoice(output, doc.choices, lowerCase) : paperExactlyOneChoice(output, doc.choices);
    } else {
        gold = normalizeLabel(raw);
        parsed = rule === "first" ? strictFirstChoice(output, doc.choices) : strictExactlyOneChoice(output, doc.choices);
    }
    return { parsed, gold, scores: { acc: parsed === gold ? 1 : 0, missing: parsed === MISSING ? 1 : 0 } };
}

/** acc and missing as means with analytic stderr; f1 (weighted) and macro_f1 over labels = set(golds). */
export function classificationAggregate(samples: readonly SampleResult[], scoring: Scoring): Record<string, MetricValue> {
    const pairs = samples.map((s) => [String(s.parsed), String(s.gold)] as const);
    const f1 = (average: "weighted" | "macro") => (items: readonly (readonly [string, string])[]): number =>
        classF1(items.map((p) => p[1]), items.map((p) => p[0]), { average, labels: [...new Set(items.map((p) => p[1]))] });
    // Me-LLaMA computes no stderr for its custom F1 aggregations; strict scoring bootstraps them (seeded).
    const stderr = (metric: (items: readonly (readonly [string, string])[]) => number): number | null =>
        scoring === "paper" ? null : bootstrapStderr(pairs, metric);
    return {
        acc: meanWithStderr(samples.map((s) => s.scores.acc ?? 0)),
        missing: meanWithStderr(samples.map((s) => s.scores.missing ?? 0)),
        f1: { value: f1("weighted")(pairs), stderr: stderr(f1("weighted")) },
        macro_f1: { value: f1("macro")(pairs), stderr: stderr(f1("macro")) },
    };
}

export function createClassificationTask(spec: ClassificationTaskSpec): Task {
    return {
        name: spec.name,
        version: spec.version,
        description: spec.description,
        strictDifferences: spec.strictDifferences,
        reportedMetrics: spec.reportedMetrics,
        generation: { until: [], maxTokens: 256 },
        fetchHint: spec.fetchHint,
        loadDocs: (options) => spec.loadDocs(options),
        ...(spec.loadTrainDocs === undefined ? {} : { loadTrainDocs: spec.loadTrainDocs }),
        processResult: (doc, output, scoring) => classificationResult(doc, output, scoring, spec.lowerCase, spec.rule),
        aggregate: (_docs, samples, scoring) => classificationAggregate(samples, scoring),
    };
}
