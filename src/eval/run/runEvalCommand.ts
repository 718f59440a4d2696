/**
 * `mellama eval`: validates the command-line options (typed errors naming the option), builds the backend from
 * --model, runs evaluate() and prints where the run went. With --resume the run's own run.json supplies the
 * model, tasks and scoring options; backend settings (concurrency, timeout…) may still be given.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { ConfigError } from "../../errors/MellamaError.js";
import type { OnError, Scoring } from "../api/Task.js";
import type { ModelPrompt } from "./buildPrompts.js";
import { evaluate } from "./evaluate.js";
import { formatResultsTable } from "./formatResultsTable.js";
import type { BertScorer } from "../bertscore/createBertScorer.js";
import { CASE_TASK_NAMES } from "../tasks/registry.js";

export interface EvalCommandOptions {
    model?: string;
    tasks?: string;
    limit?: string;
    numFewshot: string;
    scoring: string;
    output: string;
    concurrency: string;
    timeout: string;
    retries: string;
    rateLimit: string;
    onError: string;
    modelPrompt: string;
    maxTokens: string;
    data?: string;
    resume?: string;
    chat?: boolean;
    cache?: string;
    taskPath?: string[];
    /** Cases jsonl for the diagnosis tasks (same as --task-path diagnosis=FILE). */
    cases?: string;
    /** Judge backend SPEC for tasks graded by a second model (diagnosis). */
    judge?: string;
    threads?: string;
    bertscoreModel?: string;
    bertscoreLayer?: string;
    bertscoreIdf?: boolean;
    bertscoreBaseline?: string;
}

function num(field: string, text: string, { integer = true, min = 0 } = {}): number {
    const value = Number(text);
    if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min) {
        throw new ConfigError(field, `expected ${integer ? "an integer" : "a number"} >= ${min}, got "${text}"`);
    }
    return value;
}

function oneOf<T extends string>(field: string, text: string, allowed: readonly T[]): T {
    if (!(allowed as readonly string[]).includes(text)) {
        throw new ConfigError(field, `expected one of ${allowed.join(", ")}, got "${text}"`);
    }
    return text as T;
}

interface RunJson {
    model: string;
    tasks: string[];
    limit: number | null;
    num_fewshot: number;
    scoring: string;
    model_prompt: string;
    max_tokens: number;
    on_error: string;
    data_dir: string | null;
    model_args?: { chat?: boolean };
    task_paths?: Record<string, string>;
    judge?: string | null;
}

export async function runEvalCommand(o: EvalCommandOptions): Promise<string> {
    let recorded: RunJson | undefined;
    if (o.resume !== undefined) {
        try {
            recorded = JSON.parse(readFileSync(join(o.resume, "run.json"), "utf8")) as RunJson;
        } catch (error) {
            throw new ConfigError("--resume", `${o.resume} is not a run directory with a readable run.json (${(error as Error).message})`);
        }
    }
    const model = recorded?.model ?? o.model;
    if (model === undefined) {
        throw new ConfigError("--model", "required (native:PATH, llamacpp:FILE.gguf or openai:BASE_URL[#model])");
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
    const backend = { concurrency: num("--concurrency", o.concurrency, { min: 1 }), timeoutMs: num("--timeout", o.timeout, { integer: false }) * 1000,
        retries: num("--retries", o.retries), rateLimit: num("--rate-limit", o.rateLimit, { integer: false }), chat };
    const threads = o.threads === undefined ? undefined : num("--threads", o.threads, { min: 1 });
    let bertScorer: BertScorer | undefined;
    if (o.bertscoreModel !== undefined) {
        const { createBertScorer } = await import("../bertscore/createBertScorer.js");
        bertScorer = createBertScorer({ dir: resolve(o.bertscoreModel), idf: o.bertscoreIdf === true,
            ...(o.bertscoreLayer === undefined ? {} : { layer: num("--bertscore-layer", o.bertscoreLayer) }),
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
        limit: recorded !== undefined ? recorded.limit ?? undefined : o.limit === undefined ? undefined : num("--limit", o.limit, { integer: false, min: Number.MIN_VALUE }),
        numFewshot: recorded?.num_fewshot ?? num("--num-fewshot", o.numFewshot),
        scoring: oneOf<Scoring>("--scoring", recorded?.scoring ?? o.scoring, ["paper", "strict"]),
        modelPrompt: oneOf<ModelPrompt>("--model-prompt", recorded?.model_prompt ?? o.modelPrompt, ["no_prompt", "mellama_prompt"]),
        maxTokens: recorded?.max_tokens ?? num("--max-tokens", o.maxTokens, { min: 1 }),
        onError: oneOf<OnError>("--on-error", recorded?.on_error ?? o.onError, ["skip", "fail"]),
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
