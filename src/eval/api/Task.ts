/**
 * Task: one dataset of the Me-LLaMA evaluation suite, declared lm-evaluation-harness style: where its
 * documents come from, how a document becomes a prompt, how an output is parsed and how samples are scored.
 * A task is data plus pure functions; running it (backends, cache, outputs) is the harness's job.
 */
export type Scoring = "paper" | "strict";
export type OnError = "skip" | "fail";

/** One evaluation document in Me-LLaMA's layout {id, query, answer, choices, gold}. */
export interface Doc {
    id: string;
    /** The filled prompt (Me-LLaMA stores the formatted prompt in `query`). */
    query: string;
    /** The gold answer text (HoC: ";"-joined labels; NER: the gold HTML). */
    answer: string;
    /** Label set for classification tasks, in the paper's order; empty for generative tasks. */
    choices: string[];
    /** Index into choices; for HoC a 0/1 vector over choices; -1 where not applicable. */
    gold: number | number[];
    /** Diagnosis: other names accepted for the gold answer (synonyms, ICD-10 codes); absent elsewhere. */
    accepted?: string[];
}

export interface LoadOptions {
    /** Root of the benchmark data (MELLAMA_DATA, default ../shared/data). */
    dataDir: string;
    /** Explicit file overriding the task's default location. */
    path?: string;
    onError: OnError;
    /** Called for each malformed record that was skipped (file and line, never the record's text). */
    onSkip?: (where: { file: string; line: number; reason: string }) => void;
}

/** What a task keeps of one scored sample: the parsed answer, the gold, and per-sample metric inputs. */
export interface SampleResult {
    parsed: string | string[];
    gold: string | string[];
    /** Per-sample numbers (acc, missing, em, f1, rouge…), averaged or aggregated by `aggregate`. */
    scores: Record<string, number>;
}

export interface MetricValue {
    value: number;
    /** Bootstrap or analytic standard error; null where none is computed (as Me-LLaMA for custom F1s). */
    stderr: number | null;
}

/**
 * A task whose answers a second model grades (diagnosis: the LLM judge). The harness sends each answered
 * sample's judge prompt through the judge backend, caches every reply, retries unreadable ones with the next
 * attempt's prompt, and adds `score(...)` to the sample's scores before aggregating.
 */
export interface TaskJudge {
    /** Part of every judge prompt, so a new rubric never reuses old cached verdicts. */
    rubricVersion: number;
    maxAttempts: number;
    maxTokens: number;
    /** The judge prompt for an answered sample (attempt counts from 1); null when there is nothing to judge. */
    prompt(doc: Doc, sample: SampleResult, attempt: number): string | null;
    /** One verdict per judged item, or null when the reply cannot be read. */
    parse(reply: string, doc: Doc, sample: SampleResult): string[] | null;
    /** Scores from the verdicts ([] when there was nothing to judge; null when unjudged after every attempt). */
    score(verdicts: readonly string[] | null, doc: Doc, sample: SampleResult): Record<string, number>;
}

export interface Task {
    /** Registry name, lm-eval snake_case (pubmedqa, medqa, medmcqa, emrqa, i2b2, ddi2013, hoc, mtsample, pubmedsum, mimicsum, bionli, mednli). */
    name: string;
    /** Bumped whenever the prompt, parser or metric changes; frozen by a hash test. */
    version: number;
    /** One-line description, and what `strict` scoring changes relative to `paper`. */
    description: string;
    strictDifferences: string;
    /** The metrics the paper reports for this task, first is the headline. */
    reportedMetrics: string[];
    /** Generation settings (Me-LLaMA: no stop strings, 256 new tokens, greedy). */
    generation: { until: string[]; maxTokens: number };
    /** The command that fetches the data when missing (shown in the missing-dataset error). */
    fetchHint: string;
    loadDocs(options: LoadOptions): Promise<Doc[]>;
    /** Parses one model output and scores it against the doc. */
    processResult(doc: Doc, output: string, scoring: Scoring): SampleResult;
    /** Aggregates all samples into the task's metrics. */
    aggregate(docs: readonly Doc[], samples: readonly SampleResult[], scoring: Scoring): Record<string, MetricValue>;
    /**
     * lm-eval's output_type; absent means generate_until. multiple_choice tasks score `choiceContinuations` after
     * the prompt by log-likelihood; loglikelihood_rolling tasks score `doc.query` as a whole text (perplexity).
     * Both turn the backend's scores into a sample with processLoglikelihoods; processResult is then unused.
     */
    outputType?: "generate_until" | "multiple_choice" | "loglikelihood_rolling";
    /** multiple_choice: the continuations scored after the prompt, in choice order (lm-eval: target_delimiter + choice). */
    choiceContinuations?(doc: Doc): string[];
    /** multiple_choice: one score per continuation; loglikelihood_rolling: one for the text (isGreedy false). */
    processLoglikelihoods?(doc: Doc, results: readonly { logprob: number; isGreedy: boolean }[]): SampleResult;
    /** Whether the task's docs have a train split that few-shot examples are drawn from (loadTrainDocs). */
    loadTrainDocs?(options: LoadOptions): Promise<Doc[]>;
    /** A second-model grader of the answers (the diagnosis LLM judge), used when the run names a judge. */
    judge?: TaskJudge;
    /** Extra results beyond scalar metrics (diagnosis: accuracy-vs-K curves with CIs), written to results.json "details". */
    details?(docs: readonly Doc[], samples: readonly SampleResult[]): Record<string, unknown>;
}
