/**
 * `mellama eval`: validates the command-line options (typed errors naming the option), builds the backend from
 * --model, runs evaluate() and prints where the run went. With --resume the run's own run.json supplies the
 * model, tasks and scoring options; backend settings (concurrency, timeout…) may still be given.
 */
import { z } from "zod";
import { dirname, join, resolve } from "node:path";
import { ConfigError } from "../../errors/MellamaError.js";
import type { OnError, Scoring } from "../api/Task.js";
import type { ModelPrompt } from "./buildPrompts.js";
import { evaluate } from "./evaluate.js";
import { loadConfig } from "../../util/loadConfig.js";
import { refuseUrlCredentials } from "../../util/refuseUrlCredentials.js";
import { formatResultsTable } from "./formatResultsTable.js";
import type { BertScorer } from "../bertscore/createBertScorer.js";
import { CASE_TASK_NAMES } from "../tasks/registry.js";

/** The options as the CLI parsed them (src/cli/options.ts: numbers and choices already checked). */
export interface EvalCommandOptions {
    model?: string;
    tasks?: string;
    /** First N docs of each task; below 1, a fraction. */
    limit?: number;
    numFewshot: number;
    scoring: Scoring;
    output: string;
    concurrency: number;
    timeout: number;
    retries: number;
    rateLimit: number;
    onError: OnError;
    modelPrompt: ModelPrompt;
    maxTokens: number;
    data?: string;
    resume?: string;
    chat?: boolean;
    cache?: string;
    taskPath?: string[];
    /** Cases jsonl for the diagnosis tasks (same as --task-path diagnosis=FILE). */
    cases?: string;
    /** Judge backend SPEC for tasks graded by a second model (diagnosis). */
    judge?: string;
    threads?: number;
    bertscoreModel?: string;
    bertscoreLayer?: number;
    bertscoreIdf?: boolean;
    bertscoreBaseline?: string;
}

/** The options an interrupted run recorded in its run.json (other keys are kept by the run, not read here). */
const runJsonSchema = z.object({
    model: z.string(),
    tasks: z.array(z.string()).min(1),
    limit: z.number().positive().nullable(),
    num_fewshot: z.number().int().min(0),
    scoring: z.enum(["paper", "strict"]),
    model_prompt: z.enum(["no_prompt", "mellama_prompt"]),
    max_tokens: z.number().int().min(1),
    on_error: z.enum(["skip", "fail"]),
    data_dir: z.string().nullable(),
    model_args: z.object({ chat: z.boolean().optional() }).passthrough().optional(),
    task_paths: z.record(z.string(), z.string()).optional(),
    judge: z.string().nullable().optional(),
}).passthrough();

export async function runEvalCommand(o: EvalCommandOptions): Promise<string> {
    const recorded = o.resume === undefined ? undefined : loadConfig(join(o.resume, "run.json"), runJsonSchema, { what: "run.json of --resume" });
    const model = recorded?.model ?? o.model;
    if (model === undefined) {
        throw new ConfigError("--model", "required (native:PATH, llamacpp:FILE.gguf or openai:BASE_URL[#model])");
    }
    refuseUrlCredentials("--model", model);
    if (o.judge !== undefined) {
        refuseUrlCredentials("--judge", o.judge);
    }
    const tasks = recorded?.tasks ?? o.tasks?.split(",").map((t) => t.trim()).filter(Boolean);
    if (tasks === undefined || tasks.length === 0) {
        throw new ConfigError("--tasks", "required: comma-separated task names, or all");
    }
    const taskPaths: Record<string, string> = { ...recorded?.task_paths };
    for (const entry of o.taskPath ?? []) {
        const eq = entry.indexOf("=");
        if (eq <= 0) {
            throw new ConfigError("--task-path", `expected TASK=FILE, got "${entry}"`);
        }
        taskPaths[entry.slice(0, eq)] = resolve(entry.slice(eq + 1));
    }
    if (o.cases !== undefined) {
        for (const task of CASE_TASK_NAMES) {
            taskPaths[task] = resolve(o.cases);
        }
    }
    const caseTasks = tasks.filter((t) => CASE_TASK_NAMES.includes(t));
    if (caseTasks.some((t) => taskPaths[t] === undefined)) {
        process.stderr.write("eval: no --cases given: diagnosis runs on the shipped SYNTHETIC cases (for trying the flow; they say nothing about medicine)\n");
    }
    const judgeSpec = recorded !== undefined ? recorded.judge ?? undefined : o.judge;
    if (judgeSpec !== undefined && caseTasks.length === 0) {
        process.stderr.write("eval: --judge is used by the diagnosis tasks only; ignored for these tasks\n");
    }
    const chat = recorded?.model_args?.chat ?? o.chat === true;
    const backend = { concurrency: o.concurrency, timeoutMs: o.timeout * 1000, retries: o.retries, rateLimit: o.rateLimit, chat };
    const threads = o.threads;
    let bertScorer: BertScorer | undefined;
    if (o.bertscoreModel !== undefined) {
        const { createBertScorer } = await import("../bertscore/createBertScorer.js");
        bertScorer = createBertScorer({ dir: resolve(o.bertscoreModel), idf: o.bertscoreIdf === true,
            ...(o.bertscoreLayer === undefined ? {} : { layer: o.bertscoreLayer }),
            ...(o.bertscoreBaseline === undefined ? {} : { baselineFile: resolve(o.bertscoreBaseline) }) });
    }
    const { runDir, results } = await evaluate({
        lm: model,
        ...backend,
        ...(threads === undefined ? {} : { threads }),
        ...(bertScorer === undefined ? {} : { bertScorer }),
        tasks,
        outputDir: o.resume !== undefined ? dirname(o.resume) : o.output,
        runDir: o.resume,
        limit: recorded !== undefined ? recorded.limit ?? undefined : o.limit,
        numFewshot: recorded?.num_fewshot ?? o.numFewshot,
        scoring: recorded?.scoring ?? o.scoring,
        modelPrompt: recorded?.model_prompt ?? o.modelPrompt,
        maxTokens: recorded?.max_tokens ?? o.maxTokens,
        onError: recorded?.on_error ?? o.onError,
        dataDir: recorded?.data_dir ?? o.data,
        taskPaths,
        cachePath: o.cache,
        judge: judgeSpec,
        modelSpec: model,
        modelArgs: { chat, concurrency: backend.concurrency, timeout_s: backend.timeoutMs / 1000, retries: backend.retries, rate_limit: backend.rateLimit },
    });
    const failed = Object.values(results.failures).reduce((s, f) => s + f.count, 0);
    process.stderr.write(formatResultsTable(results));
    process.stdout.write(`${runDir}\n`);
    if (failed > 0) {
        process.stderr.write(`eval: ${failed} failed request(s); see results.json "failures" and samples_<task>.jsonl\n`);
    }
    return runDir;
}
