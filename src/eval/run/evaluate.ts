/**
 * evaluate(): the library form of `mellama eval`. Runs the given tasks through one LM the Me-LLaMA way (test docs
 * only, seeded order, greedy, 256 new tokens, no stop strings, optional `Human:/Assistant:` wrapper) and writes a
 * NEW run directory under outputDir: run.json (the options, for --resume), samples_<task>.jsonl, results.json in
 * lm-evaluation-harness's layout and a self-contained report.html. Responses go to the SQLite cache
 * (default outputDir/.cache/responses.sqlite) as they arrive, so an interrupted run resumes without recomputing.
 *
 * @example
 * const { runDir, results } = await evaluate({ lm: createOracleLM(docs), tasks: ["pubmedqa"], outputDir: "runs/eval" });
 */
import { RunLock } from "../../util/runLock.js";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import type { LM } from "../api/LM.js";
import type { Doc, OnError, Scoring, Task } from "../api/Task.js";
import { createLM } from "../backends/createLM.js";
import { ResponseCache } from "../cache/ResponseCache.js";
import type { TokenEmbedder } from "../metrics/bertScore.js";
import type { BertScorer } from "../bertscore/createBertScorer.js";
import { getTask, TASK_GROUPS, TASK_NAMES } from "../tasks/registry.js";
import { renderReport } from "../report/renderReport.js";
import { atomicWriteFileSync } from "../../util/atomicWrite.js";
import { dataDir as defaultDataDir } from "../../util/dataDir.js";
import { ConfigError, DegenerateResultError, MellamaError } from "../../errors/MellamaError.js";
import { DatasetMissingError } from "../../errors/DatasetMissingError.js";
import { StorageError } from "../../errors/StorageError.js";
import type { ModelPrompt } from "./buildPrompts.js";
import { SHUFFLE_SEED } from "./buildPrompts.js";
import { buildResultsJson } from "./buildResultsJson.js";
import type { ResultsJson } from "./ResultsJson.js";
import { createRunDir } from "./runDirName.js";
import type { TaskRun } from "./runTask.js";
import { runTask } from "./runTask.js";
import { runLlmJudge } from "../judges/runLlmJudge.js";

export interface EvaluateOptions {
    /**
     * The backend: an LM, a model SPEC (`openai:URL#model`, `llamacpp:FILE`, `native:PATH`, `oracle`…, built with
     * the backend options below), or a factory given the loaded docs (the oracle backend needs them).
     */
    lm: LM | string | ((docsByTask: ReadonlyMap<string, readonly Doc[]>) => LM | Promise<LM>);
    /** Backend options when `lm` is a SPEC: requests in flight, per-request timeout, retries, requests/s, chat endpoint. */
    concurrency?: number;
    timeoutMs?: number;
    retries?: number;
    rateLimit?: number;
    chat?: boolean;
    /** Task names, or ["all"]. */
    tasks: readonly string[];
    /** Where the new run directory is created. */
    outputDir: string;
    /** Reuse this run directory instead of creating one (resume). */
    runDir?: string;
    /** First N docs of the seeded order; a value in (0, 1) is that fraction of each task's docs (lm-eval's rule). */
    limit?: number;
    numFewshot?: number;
    scoring?: Scoring;
    modelPrompt?: ModelPrompt;
    maxTokens?: number;
    /** skip: malformed records are skipped and failed requests recorded; fail: either stops the run (typed error). */
    onError?: OnError;
    dataDir?: string;
    /** Per-task data file overriding the task's default location. */
    taskPaths?: Readonly<Record<string, string>>;
    cachePath?: string;
    /** What the model was given as (the SPEC), and its backend settings, recorded in results.json. */
    modelSpec?: string;
    modelArgs?: Record<string, unknown>;
    /** BERTScore for the summarization tasks: a real BERT scorer (--bertscore-model) or a TokenEmbedder (tests). */
    bertScorer?: BertScorer | TokenEmbedder;
    /** native and llamacpp: compute threads. */
    threads?: number;
    progress?: boolean;
    /**
     * The judge of tasks graded by a second model (diagnosis): an LM or a SPEC as `lm` (built with the same
     * backend options). Without one those tasks are scored by their automatic rules only.
     */
    judge?: LM | string;
    /** Write report.html (default true). */
    report?: boolean;
}

export interface EvaluateResult {
    runDir: string;
    results: ResultsJson;
    runs: Map<string, TaskRun>;
}

/** A run stopped because of --on-error fail; the cache keeps every answer already received. */
export class EvalFailedError extends MellamaError {
    public constructor(public readonly task: string, public readonly failed: number, firstDoc: string, firstError: string) {
        super("EVAL_FAILED", `task ${task}: ${failed} request(s) failed (first: doc ${firstDoc}: ${firstError}); `
            + "stopped because of --on-error fail. Answers received so far are cached; rerun to resume, or use --on-error skip.");
    }
}

/** Every task of the run was skipped: names each with its reason. */
export class NothingToEvaluateError extends MellamaError {
    public constructor(public readonly skipped: Readonly<Record<string, string>>) {
        super("NOTHING_TO_EVALUATE", `no task could be evaluated: ${Object.entries(skipped).map(([t, why]) => `${t}: ${why}`).join("; ")}`);
    }
}

export function resolveTasks(names: readonly string[]): Task[] {
    const list = names.flatMap((name) => TASK_GROUPS[name] ?? [name]);
    if (list.length === 0) {
        throw new ConfigError("tasks", `no task given; valid tasks: ${TASK_NAMES.join(", ")}, or a group: ${Object.keys(TASK_GROUPS).join(", ")}`);
    }
    return [...new Set(list)].map((name) => getTask(name));
}

export async function evaluate(options: EvaluateOptions): Promise<EvaluateResult> {
    const { numFewshot = 0, scoring = "paper", modelPrompt = "no_prompt", maxTokens = 256, onError = "skip",
        progress = process.env.MELLAMA_QUIET !== "1", report = true } = options;
    const limit = options.limit;
    if (limit !== undefined && !(limit > 0 && (limit < 1 || Number.isInteger(limit)))) {
        throw new ConfigError("limit", `must be a positive integer, or a fraction in (0, 1) of each task's docs (as lm-eval), got ${limit}`);
    }
    if (!Number.isInteger(numFewshot) || numFewshot < 0) {
        throw new ConfigError("num_fewshot", `must be a non-negative integer, got ${numFewshot}`);
    }
    const started = performance.now();
    const requested = resolveTasks(options.tasks);
    const data = options.dataDir ?? defaultDataDir();
    const docsByTask = new Map<string, Doc[]>();
    const trainByTask = new Map<string, Doc[]>();
    // A task that cannot run (its data is missing, or few-shot was asked of a task without a train split) is
    // skipped with the reason, and the others run; only a run where nothing can run fails.
    const skipped: Record<string, string> = {};
    for (const task of requested) {
        if (numFewshot > 0 && task.loadTrainDocs === undefined) {
            skipped[task.name] = `no train split to draw ${numFewshot}-shot examples from (Me-LLaMA's harness draws them from train); run it with --num-fewshot 0`;
            continue;
        }
        const malformed: string[] = [];
        const loadOptions = { dataDir: data, path: options.taskPaths?.[task.name], onError,
            onSkip: (where: { file: string; line: number }) => malformed.push(`${where.file}:${where.line}`) };
        try {
            docsByTask.set(task.name, await task.loadDocs(loadOptions));
            if (numFewshot > 0) {
                trainByTask.set(task.name, await task.loadTrainDocs!(loadOptions));
            }
        } catch (error) {
            if (!(error instanceof DatasetMissingError)) {
                throw error;
            }
            docsByTask.delete(task.name);
            skipped[task.name] = error.message;
            continue;
        }
        if (malformed.length > 0) {
            process.stderr.write(`eval ${task.name}: skipped ${malformed.length} malformed record(s), first at ${malformed[0]}\n`);
        }
        if (docsByTask.get(task.name)!.length === 0) {
            docsByTask.delete(task.name);
            skipped[task.name] = `its data (${options.taskPaths?.[task.name] ?? data}) holds no usable documents`;
        }
    }
    for (const [name, reason] of Object.entries(skipped)) {
        process.stderr.write(`eval: task ${name} skipped: ${reason}\n`);
    }
    const tasks = requested.filter((t) => docsByTask.has(t.name));
    if (tasks.length === 0) {
        throw new NothingToEvaluateError(skipped);
    }
    const lm = typeof options.lm === "function" ? await options.lm(docsByTask)
        : typeof options.lm === "string" ? await createLM(options.lm, { concurrency: options.concurrency, timeoutMs: options.timeoutMs,
            retries: options.retries, rateLimit: options.rateLimit, chat: options.chat, docsByTask,
            ...(options.threads === undefined ? {} : { threads: options.threads }) })
            : options.lm;
    const modelSpec = options.modelSpec ?? (typeof options.lm === "string" ? options.lm : lm.id);
    const runDir = options.runDir ?? createRunDir(options.outputDir, modelSpec, tasks.map((t) => t.name));
    mkdirSync(runDir, { recursive: true });
    try {
        // One process per run directory: two resumes of one run would write the same samples and results.
        using _lock = RunLock.acquire(runDir, "eval");
        const runJson = join(runDir, "run.json");
        if (!existsSync(runJson)) {
            atomicWriteFileSync(runJson, `${JSON.stringify({ model: modelSpec, model_args: options.modelArgs ?? {}, tasks: tasks.map((t) => t.name),
                limit: options.limit ?? null, num_fewshot: numFewshot, scoring, model_prompt: modelPrompt, max_tokens: maxTokens,
                on_error: onError, data_dir: options.dataDir ?? null, task_paths: options.taskPaths ?? {},
                judge: typeof options.judge === "string" ? options.judge : options.judge?.id ?? null }, null, 2)}\n`);
        }
        const judged = tasks.some((t) => t.judge !== undefined);
        const judge = options.judge === undefined || !judged ? undefined : typeof options.judge === "string"
            ? await createLM(options.judge, { concurrency: options.concurrency, timeoutMs: options.timeoutMs, retries: options.retries,
                rateLimit: options.rateLimit, chat: options.chat })
            : options.judge;
        const cache = new ResponseCache(options.cachePath ?? join(options.runDir === undefined ? options.outputDir : dirname(runDir), ".cache", "responses.sqlite"));
        const runs = new Map<string, TaskRun>();
        try {
            for (const task of tasks) {
                const run = await runTask({ task, pool: docsByTask.get(task.name)!, trainDocs: trainByTask.get(task.name), lm, cache,
                    limit: options.limit, numFewshot, scoring, modelPrompt, maxTokens, bertScorer: options.bertScorer, progress });
                runs.set(task.name, run);
                if (judge !== undefined && task.judge !== undefined) {
                    run.judgeStats = await runLlmJudge({ task: { ...task, judge: task.judge }, run, judge, cache, scoring, progress });
                }
                atomicWriteFileSync(join(runDir, `samples_${task.name}.jsonl`), run.samples.map((s) => `${JSON.stringify(s)}\n`).join(""));
                const failed = run.samples.filter((s) => s.error !== null);
                if (onError === "fail" && failed.length > 0) {
                    throw new EvalFailedError(task.name, failed.length, failed[0]!.doc_id, failed[0]!.error!);
                }
            }
        } finally {
            cache.close();
            if (typeof options.lm !== "object") {
                await lm.dispose?.(); // evaluate() built this backend, so it frees it (model memory, contexts)
            }
            if (typeof options.judge === "string") {
                await judge?.dispose?.();
            }
        }
        const results = buildResultsJson({ tasks, runs, lm, modelSpec, modelArgs: options.modelArgs ?? {}, limit: options.limit ?? null,
            numFewshot, scoring, modelPrompt, maxTokens, seeds: { shuffle: SHUFFLE_SEED, fewshot: SHUFFLE_SEED }, gitHash: gitHash(),
            seconds: (performance.now() - started) / 1000,
            judge: judge === undefined ? undefined : typeof options.judge === "string" ? options.judge : judge.id });
        if (Object.keys(skipped).length > 0) {
            results.skipped = skipped;
        }
        // A reported metric this run could not compute is named as such, never given a number.
        for (const task of tasks) {
            if (task.reportedMetrics.includes("bert_score_f1") && runs.get(task.name)?.metrics.bert_score_f1 === undefined) {
                (results.not_computed ??= {})[task.name] = { bert_score_f1: "no BERT model given (--bertscore-model DIR)" };
            }
        }
        atomicWriteFileSync(join(runDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
        if (report) {
            atomicWriteFileSync(join(runDir, "report.html"), renderReport({ results, samples: new Map([...runs].map(([k, r]) => [k, r.samples])) }));
        }
        // Metrics over answers that never came are not results: the run is kept for inspection, the command fails.
        const allFailed = [...runs].filter(([, r]) => r.samples.length > 0 && r.samples.every((s) => s.error !== null)).map(([name]) => name);
        if (allFailed.length > 0) {
            throw new DegenerateResultError(runDir, `every request failed for ${allFailed.join(", ")} (see samples_<task>.jsonl); check the model or endpoint and rerun with --resume`);
        }
        return { runDir, results, runs };
    } catch (error) {
        // A new run that the disk could not hold leaves nothing under its name (its answers stay in the response
        // cache, so the rerun after space is freed asks for nothing twice); a resumed run keeps its directory.
        if (error instanceof StorageError && options.runDir === undefined) {
            rmSync(runDir, { recursive: true, force: true });
        }
        throw error;
    }
}

function gitHash(): string | null {
    try {
        return execFileSync("git", ["rev-parse", "HEAD"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || null;
    } catch {
        return null;
    }
}
