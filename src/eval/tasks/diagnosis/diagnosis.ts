/**
 * Complex clinical case diagnosis (Me-LLaMA's CPC study, rebuilt; docs/tasks/diagnosis.md): each case's
 * presentation goes to the model with a zero-shot prompt asking for a ranked differential of 10 diagnoses
 * (`diagnosis`), or with brief reasoning first (`diagnosis_cot`). The output is read by parseDifferential and
 * judged per rank by normalised matching against the gold and its synonyms (top{k}_match), and, when the run
 * names a judge backend, by the LLM judge's rubric (top{k}_llm; unjudged cases counted apart). Cases come from
 * --cases FILE (or --task-path diagnosis=FILE); without one the shipped SYNTHETIC set is used.
 */
import { fileURLToPath } from "node:url";
import type { Doc, MetricValue, SampleResult, Task } from "../../api/Task.js";
import { meanWithStderr } from "../../metrics/mean.js";
import { loadTaskDocs } from "../../loaders/loadTaskDocs.js";
import { accuracyCurve } from "./diagnosisMetrics.js";
import type { DiagnosisPromptStyle } from "./diagnosisPrompt.js";
import { DIFFERENTIAL_SIZE, diagnosisPrompt } from "./diagnosisPrompt.js";
import { isCorrectVerdict, JUDGE_MAX_ATTEMPTS, JUDGE_RUBRIC_VERSION, judgePrompt, parseVerdicts, VERDICTS } from "./judgeRubric.js";
import { acceptedKeys, matchesGold } from "./normalizeDiagnosis.js";
import { parseDifferential } from "./parseDifferential.js";
import { readCases } from "./readCases.js";

/** The shipped synthetic cases (written for mellama; not real patients). */
export const SYNTHETIC_CASES = fileURLToPath(new URL("./synthetic_cases.jsonl", import.meta.url));
export const DIAGNOSIS_FETCH_HINT = "mellama eval --tasks diagnosis --cases FILE (a cases jsonl; see docs/tasks/diagnosis.md)";
const K = DIFFERENTIAL_SIZE;
const ks = Array.from({ length: K }, (_, i) => i + 1);

function candidates(sample: SampleResult): string[] {
    return Array.isArray(sample.parsed) ? sample.parsed : [];
}

function rankScores(prefix: string, rank: number): Record<string, number> {
    return Object.fromEntries(ks.map((k) => [`top${k}_${prefix}`, rank > 0 && rank <= k ? 1 : 0]));
}

export function diagnosisResult(doc: Doc, output: string): SampleResult {
    const parsed = parseDifferential(output, K);
    const keys = acceptedKeys(doc.answer, doc.accepted ?? []);
    const rank = parsed.findIndex((c) => matchesGold(c, keys)) + 1;
    return { parsed, gold: doc.answer, scores: { match_rank: rank, candidates: parsed.length, ...rankScores("match", rank) } };
}

export function diagnosisAggregate(samples: readonly SampleResult[]): Record<string, MetricValue> {
    const out: Record<string, MetricValue> = {};
    for (const k of ks) {
        out[`top${k}_match`] = meanWithStderr(samples.map((s) => s.scores[`top${k}_match`] ?? 0));
    }
    out.missing = meanWithStderr(samples.map((s) => (candidates(s).length === 0 ? 1 : 0)));
    const judged = samples.filter((s) => s.scores.llm_unjudged === 0);
    if (samples.some((s) => "llm_unjudged" in s.scores)) {
        for (const k of ks) {
            out[`top${k}_llm`] = judged.length === 0 ? { value: Number.NaN, stderr: null } : meanWithStderr(judged.map((s) => s.scores[`top${k}_llm`] ?? 0));
        }
        out.unjudged = { value: samples.filter((s) => s.scores.llm_unjudged === 1).length, stderr: null };
    }
    return out;
}

/** results.json "details": accuracy-vs-K curves with bootstrap 95 % CIs per judge, LLM verdict counts per rank. */
export function diagnosisDetails(docs: readonly Doc[], unordered: readonly SampleResult[]): Record<string, unknown> {
    // In case-id order, so every judge's (and the clinicians') bootstrap resamples the same cases the same way.
    const samples = unordered.map((s, i) => ({ s, id: docs[i]?.id ?? "" })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((x) => x.s);
    const judges: Record<string, unknown> = { match: accuracyCurve(samples.map((s) => s.scores.match_rank ?? 0), K) };
    const judged = samples.filter((s) => s.scores.llm_unjudged === 0);
    const out: Record<string, unknown> = { k: K, n: samples.length, judges };
    if (samples.some((s) => "llm_unjudged" in s.scores)) {
        judges.llm = accuracyCurve(judged.map((s) => s.scores.llm_rank ?? 0), K);
        out.unjudged = samples.length - judged.length;
        out.llm_verdicts_by_rank = ks.map((k) => Object.fromEntries(VERDICTS.map((v) => [v, judged.filter((s) => s.scores[`llm_verdict_${k}`] === VERDICTS.indexOf(v)).length])));
    }
    return out;
}

function createDiagnosisTask(name: string, style: DiagnosisPromptStyle): Task {
    return {
        name,
        version: 1,
        description: style === "zero_shot"
            ? "Clinical case diagnosis: a ranked differential of 10, zero-shot; top-1..top-10 accuracy by normalised match and an optional LLM judge."
            : "Clinical case diagnosis, chain-of-thought variant: brief reasoning, then a ranked differential of 10 after \"Final differential diagnosis:\".",
        strictDifferences: "None: the paper publishes no prompt, parser or judge for this study, so paper and strict scoring are the same.",
        reportedMetrics: ["top1_match", "top5_match", "top10_match", "top1_llm", "top5_llm", "top10_llm"],
        generation: { until: [], maxTokens: 256 },
        fetchHint: DIAGNOSIS_FETCH_HINT,
        loadDocs: (options) => loadTaskDocs({
            task: name,
            fetchHint: DIAGNOSIS_FETCH_HINT,
            defaultPath: SYNTHETIC_CASES,
            read: (file, bad) => readCases(file, bad).map((c): Doc => ({
                id: c.id, query: diagnosisPrompt(c.presentation, style), answer: c.diagnosis, choices: [], gold: -1,
                accepted: [...c.synonyms, ...c.icd10],
            })),
        }, options),
        processResult: (doc, output) => diagnosisResult(doc, output),
        aggregate: (_docs, samples) => diagnosisAggregate(samples),
        details: (docs, samples) => diagnosisDetails(docs, samples),
        judge: {
            rubricVersion: JUDGE_RUBRIC_VERSION,
            maxAttempts: JUDGE_MAX_ATTEMPTS,
            maxTokens: 512,
            prompt: (doc, sample, attempt) => (candidates(sample).length === 0 ? null
                : judgePrompt({ gold: doc.answer, synonyms: doc.accepted ?? [], candidates: candidates(sample) }, attempt)),
            parse: (reply, _doc, sample) => parseVerdicts(reply, candidates(sample).length),
            score: (verdicts) => {
                if (verdicts === null) {
                    return { llm_unjudged: 1 };
                }
                const rank = verdicts.findIndex(isCorrectVerdict) + 1;
                return { llm_unjudged: 0, llm_rank: rank, ...rankScores("llm", rank),
                    ...Object.fromEntries(verdicts.map((v, i) => [`llm_verdict_${i + 1}`, (VERDICTS as readonly string[]).indexOf(v)])) };
            },
        },
    };
}

export const diagnosis: Task = createDiagnosisTask("diagnosis", "zero_shot");
export const diagnosisCot: Task = createDiagnosisTask("diagnosis_cot", "cot");
