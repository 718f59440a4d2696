/** Assembles results.json (see ResultsJson) from the task runs; stderr "N/A" where none is computed, as lm-eval writes it. */
import type { LM } from "../api/LM.js";
import type { Task } from "../api/Task.js";
import type { ResultsJson } from "./ResultsJson.js";
import type { TaskRun } from "./runTask.js";

export interface BuildResultsOptions {
    tasks: readonly Task[];
    runs: ReadonlyMap<string, TaskRun>;
    lm: LM;
    modelSpec: string;
    modelArgs: Record<string, unknown>;
    limit: number | null;
    numFewshot: number;
    scoring: string;
    modelPrompt: string;
    maxTokens: number;
    seeds: { shuffle: number; fewshot: number };
    gitHash: string | null;
    seconds: number;
    /** The judge SPEC, when tasks were graded by one. */
    judge?: string;
}

const LOWER_IS_BETTER = new Set(["missing", "unjudged", "word_perplexity", "byte_perplexity", "bits_per_byte"]);

export function buildResultsJson(o: BuildResultsOptions): ResultsJson {
    const out: ResultsJson = {
        results: {}, configs: {}, versions: {}, "n-shot": {}, higher_is_better: {}, "n-samples": {}, reported: {},
        config: { model: o.modelSpec, model_id: o.lm.id, model_args: o.modelArgs, limit: o.limit, num_fewshot: o.numFewshot,
            scoring: o.scoring, model_prompt: o.modelPrompt, max_tokens: o.maxTokens, seeds: o.seeds,
            ...(o.judge === undefined ? {} : { judge: o.judge }) },
        prompt_hashes: {}, missing_rate: {}, failures: {}, timings: {}, git_hash: o.gitHash, date: new Date().toISOString(),
        total_evaluation_time_seconds: o.seconds,
    };
    for (const task of o.tasks) {
        const run = o.runs.get(task.name);
        if (run === undefined) {
            continue;
        }
        const row: Record<string, number | string> = { alias: task.name };
        for (const [metric, value] of Object.entries(run.metrics)) {
            row[`${metric},none`] = value.value;
            row[`${metric}_stderr,none`] = value.stderr ?? "N/A";
        }
        out.results[task.name] = row;
        out.configs[task.name] = {
            task: task.name, description: task.description, test_split: "test", output_type: task.outputType ?? "generate_until",
            ...(task.outputType === undefined || task.outputType === "generate_until"
                ? { generation_kwargs: { until: task.generation.until, max_gen_toks: o.maxTokens, do_sample: false, temperature: 0 } }
                : task.outputType === "multiple_choice" ? { target_delimiter: " " } : {}),
            num_fewshot: o.numFewshot, metric_list: Object.keys(run.metrics), reported_metrics: task.reportedMetrics,
            strict_differences: task.strictDifferences, metadata: { version: task.version },
        };
        out.versions[task.name] = task.version;
        // Every metric is a score except the missing-answer rate, the count of unjudged samples and perplexities.
        out.higher_is_better[task.name] = Object.fromEntries(Object.keys(run.metrics).map((m) => [m, !LOWER_IS_BETTER.has(m)]));
        out["n-shot"][task.name] = o.numFewshot;
        const failed = run.samples.filter((s) => s.error !== null);
        out["n-samples"][task.name] = { original: run.poolSize, effective: run.docs.length,
            answered: run.docs.length - failed.length, failed: failed.length };
        out.reported[task.name] = task.reportedMetrics;
        out.prompt_hashes[task.name] = run.promptHash;
        out.missing_rate[task.name] = "missing" in run.metrics ? run.metrics.missing!.value : null;
        out.failures[task.name] = { count: failed.length, rate: run.docs.length === 0 ? 0 : failed.length / run.docs.length,
            examples: failed.slice(0, 20).map((s) => ({ doc_id: s.doc_id, error: s.error! })) };
        out.timings[task.name] = { seconds: run.seconds, cached: run.cached, requested: run.requested,
            ...(run.judgeStats === undefined ? {} : { judge: run.judgeStats }) };
        if (run.truncated !== undefined) {
            (out.truncated ??= {})[task.name] = run.truncated;
        }
        if (run.details !== undefined) {
            (out.details ??= {})[task.name] = run.details;
        }
    }
    return out;
}
