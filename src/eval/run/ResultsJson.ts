/**
 * results.json in lm-evaluation-harness's layout ("results" keyed "metric,filter" such as "acc,none" and
 * "acc_stderr,none", "configs", "versions", "n-shot", "n-samples", "config"), plus what a Me-LLaMA run needs to be
 * checked later: scoring mode, prompt hashes, git hash, timings and failures.
 */
export interface TaskFailures {
    count: number;
    rate: number;
    /** At most 20: doc id and the backend's error (never prompt or output text). */
    examples: { doc_id: string; error: string }[];
}

export interface ResultsJson {
    results: Record<string, Record<string, number | string>>;
    configs: Record<string, Record<string, unknown>>;
    versions: Record<string, number>;
    "n-shot": Record<string, number>;
    "higher_is_better": Record<string, Record<string, boolean>>;
    "n-samples": Record<string, { original: number; effective: number; answered: number; failed: number }>;
    /** Headline metrics per task, in the paper's order (what the report and comparison tables show). */
    reported: Record<string, string[]>;
    config: {
        model: string;
        model_id: string;
        model_args: Record<string, unknown>;
        limit: number | null;
        num_fewshot: number;
        scoring: string;
        model_prompt: string;
        max_tokens: number;
        /** random.Random(42) shuffles the docs, and the same generator then draws the few-shot examples. */
        seeds: { shuffle: number; fewshot: number };
        /** The judge backend (SPEC) of tasks graded by a second model; absent when none was used. */
        judge?: string;
    };
    prompt_hashes: Record<string, string>;
    missing_rate: Record<string, number | null>;
    failures: Record<string, TaskFailures>;
    timings: Record<string, { seconds: number; cached: number; requested: number; judge?: { cached: number; requested: number; unjudged: number } }>;
    /** Documents whose prompt was cut from the left to fit the model's window, per task (log-likelihood tasks). */
    truncated?: Record<string, number>;
    /** Reported metrics a task did not compute, and why (BERTScore without a BERT model). */
    not_computed?: Record<string, Record<string, string>>;
    /** Tasks of the run that were not evaluated, and why (their data is missing, say). */
    skipped?: Record<string, string>;
    /** Per-task results beyond scalar metrics (Task.details), e.g. diagnosis accuracy-vs-K curves with CIs. */
    details?: Record<string, Record<string, unknown>>;
    git_hash: string | null;
    date: string;
    total_evaluation_time_seconds: number;
}

/** One line of samples_<task>.jsonl. */
export interface SampleRecord {
    doc_id: string;
    doc_index: number;
    prompt: string;
    output: string | null;
    parsed: string | string[] | null;
    gold: string | string[];
    scores: Record<string, number>;
    error: string | null;
    cached: boolean;
    /** The judge's grading (tasks with a judge, when the run names one). */
    judge?: SampleJudgement;
    /** Log-likelihood tasks: the score of each choice (multiple choice) or of the text (perplexity). */
    loglikelihoods?: number[];
    /**
     * Whether the prompt (generation) or context (log-likelihood) was cut from the left to fit the model's window;
     * absent where the backend cannot tell (openai: the server tokenizes).
     */
    truncated?: boolean;
}

export interface SampleJudgement {
    /** The judge backend's identity. */
    model: string;
    rubric_version: number;
    /** One verdict per judged item; null: unjudged (no readable reply after every attempt, or the request failed). */
    verdicts: string[] | null;
    attempts: number;
    /** The last raw reply (null when none came back). */
    reply: string | null;
    /** Why the sample is unjudged. */
    error?: string;
}
