/**
 * What PubMed and MIMIC-CXR summarization share (vital_measure.py AbstractiveSummarization): the output is the
 * summary as generated (no parsing), scored per doc with ROUGE-1/2/L F-measure against the gold summary and
 * averaged. BERTScore needs a token-embedding model, so it is not part of `aggregate`: the harness calls
 * `summarizationBertScore` when the run has a BERT model (--bertscore-model) or a TokenEmbedder. BARTScore is not implemented.
 */
import type { Doc, MetricValue, SampleResult, Scoring, Task } from "../api/Task.js";
import type { TokenEmbedder } from "../metrics/bertScore.js";
import { bertScore } from "../metrics/bertScore.js";
import type { BertScorer } from "../bertscore/createBertScorer.js";
import { meanWithStderr } from "../metrics/mean.js";
import { rougeScores } from "../metrics/rouge.js";

export interface SummarizationTaskSpec {
    name: string;
    version: number;
    description: string;
    fetchHint: string;
    loadDocs: Task["loadDocs"];
}

export function summarizationResult(doc: Doc, output: string): SampleResult {
    const r = rougeScores(doc.answer, output);
    return { parsed: output, gold: doc.answer, scores: { rouge1: r.rouge1.fmeasure, rouge2: r.rouge2.fmeasure, rougeL: r.rougeL.fmeasure } };
}

/** Means of the per-doc F-measures; paper mode reports no stderr (Me-LLaMA's ROUGE aggregations compute none). */
export function summarizationAggregate(samples: readonly SampleResult[], scoring: Scoring): Record<string, MetricValue> {
    const out: Record<string, MetricValue> = {};
    for (const key of ["rouge1", "rouge2", "rougeL"]) {
        const m = meanWithStderr(samples.map((s) => s.scores[key] ?? 0));
        out[key] = scoring === "paper" ? { value: m.value, stderr: null } : m;
    }
    return out;
}

/** Mean BERTScore F1 of the outputs against the gold summaries (Me-LLaMA's bert_score_f1), analytic stderr. */
/** Mean BERTScore F1 of the outputs against the gold summaries, with a real BERT scorer or a TokenEmbedder. */
export async function summarizationBertScore(docs: readonly Doc[], outputs: readonly string[], scorer: BertScorer | TokenEmbedder): Promise<MetricValue> {
    const references = docs.map((d) => d.answer);
    const scores = "embed" in scorer ? await bertScore(outputs, references, scorer) : await scorer.score(outputs, references);
    return meanWithStderr(scores.map((s) => s.f1));
}

export function createSummarizationTask(spec: SummarizationTaskSpec): Task {
    return {
        name: spec.name,
        version: spec.version,
        description: spec.description,
        strictDifferences: "None in the metric: summaries are not parsed, so both modes score ROUGE-1/2/L F-measure "
            + "(rouge-score defaults, no stemming) per doc and report the mean (Me-LLaMA's evaluate aggregator reports "
            + "the median of 1000 unseeded bootstrap means, which differs from the mean only by resampling noise); "
            + "strict adds the analytic stderr of the mean, paper reports none, as Me-LLaMA.",
        reportedMetrics: ["rougeL", "bert_score_f1"],
        generation: { until: [], maxTokens: 256 },
        fetchHint: spec.fetchHint,
        loadDocs: spec.loadDocs,
        processResult: (doc, output) => summarizationResult(doc, output),
        aggregate: (_docs, samples, scoring) => summarizationAggregate(samples, scoring),
    };
}
