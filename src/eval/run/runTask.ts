/**
 * One task of a run: order and limit the docs, build the prompts, take what the cache already has, send the rest
 * to the backend (each answer cached as it arrives), then parse and score every answered sample. Failed requests
 * become failed samples (error recorded, excluded from the metrics, counted in the failure rate).
 */
import { createHash } from "node:crypto";
import type { GenerateRequest, LM } from "../api/LM.js";
import type { Doc, MetricValue, Scoring, Task } from "../api/Task.js";
import type { ResponseCache } from "../cache/ResponseCache.js";
import { requestHash } from "../cache/ResponseCache.js";
import type { TokenEmbedder } from "../metrics/bertScore.js";
import type { BertScorer } from "../bertscore/createBertScorer.js";
import { summarizationBertScore } from "../tasks/summarizationTask.js";
import { createProgress } from "../../util/progress.js";
import type { ModelPrompt } from "./buildPrompts.js";
import { buildPrompts, orderDocs } from "./buildPrompts.js";
import { limitCount } from "./limitCount.js";
import type { SampleRecord } from "./ResultsJson.js";
import { runScoringTask } from "./runScoringTask.js";

export interface RunTaskOptions {
    task: Task;
    pool: readonly Doc[];
    /** The task's train split, the population of few-shot examples (required when numFewshot > 0). */
    trainDocs?: readonly Doc[];
    lm: LM;
    cache: ResponseCache;
    limit?: number;
    numFewshot: number;
    scoring: Scoring;
    modelPrompt: ModelPrompt;
    maxTokens: number;
    bertScorer?: BertScorer | TokenEmbedder;
    progress: boolean;
}

export interface TaskRun {
    docs: Doc[];
    /** Test docs of the task before --limit. */
    poolSize: number;
    samples: SampleRecord[];
    metrics: Record<string, MetricValue>;
    /** Task.details of the answered samples (diagnosis: accuracy-vs-K curves with CIs). */
    details?: Record<string, unknown>;
    promptHash: string;
    /** Judge requests answered from the cache / sent, and samples left unjudged (tasks with a judge). */
    judgeStats?: { cached: number; requested: number; unjudged: number };
    cached: number;
    requested: number;
    seconds: number;
    /** Log-likelihood tasks: documents cut from the left to fit the model's window. */
    truncated?: number;
}

export async function runTask(options: RunTaskOptions): Promise<TaskRun> {
    const { task, lm, cache } = options;
    const started = performance.now();
    const docs = orderDocs(options.pool, limitCount(options.pool.length, options.limit));
    const prompts = buildPrompts(docs, options.pool, options.numFewshot, options.modelPrompt, {
        ...(options.trainDocs === undefined ? {} : { train: options.trainDocs }),
        ...(task.outputType === "multiple_choice" ? { target: (x: Doc) => task.choiceContinuations!(x)[x.gold as number] ?? "" } : {}),
    });
    if (task.outputType === "multiple_choice" || task.outputType === "loglikelihood_rolling") {
        return runScoringTask({ task, pool: options.pool, docs, prompts, lm, cache, progress: options.progress, started });
    }
    const requests: GenerateRequest[] = prompts.map((prompt, i) => ({ prompt, until: [...task.generation.until], maxTokens: options.maxTokens,
        temperature: 0, docId: `${task.name}/${docs[i]!.id}` }));
    const hashes = requests.map(requestHash);
    // Counted from the prompts, not from the answers: a resumed run answered from the cache counts the same ones.
    const truncatedFlags = lm.promptTruncated === undefined ? undefined : requests.map((r) => lm.promptTruncated!(r));
    const truncated = truncatedFlags?.filter((t) => t).length;
    if (truncated !== undefined && truncated > 0) {
        process.stderr.write(`eval ${task.name}: ${truncated} prompt(s) longer than the model's window beside ${options.maxTokens} new tokens `
            + "were cut from the left (results.json \"truncated\")\n");
    }
    const outputs: (string | undefined)[] = hashes.map((h) => cache.get(lm.cacheKey ?? lm.id, h));
    const cachedFlags = outputs.map((o) => o !== undefined);
    const errors: (string | null)[] = requests.map(() => null);
    const todo = outputs.flatMap((o, i) => (o === undefined ? [i] : []));
    const cached = docs.length - todo.length;

    const bar = options.progress ? createProgress({ label: `eval ${task.name}`, total: docs.length, unit: "samples" }) : undefined;
    bar?.update(cached);
    let done = cached;
    if (todo.length > 0) {
        await lm.generateUntil(todo.map((i) => requests[i]!), (j, result) => {
            const i = todo[j]!;
            if (result.ok) {
                outputs[i] = result.text;
                cache.put(lm.cacheKey ?? lm.id, hashes[i]!, result.text);
            } else {
                errors[i] = result.error;
            }
            bar?.update(++done);
        });
    }
    bar?.stop();

    const samples: SampleRecord[] = [];
    const answeredDocs: Doc[] = [];
    const answered = [];
    const answeredOutputs: string[] = [];
    for (let i = 0; i < docs.length; i++) {
        const doc = docs[i]!;
        const output = outputs[i];
        if (output === undefined) {
            samples.push({ doc_id: doc.id, doc_index: i, prompt: prompts[i]!, output: null, parsed: null,
                gold: goldOf(doc), scores: {}, error: errors[i] ?? "no response", cached: false,
                ...(truncatedFlags === undefined ? {} : { truncated: truncatedFlags[i]! }) });
            continue;
        }
        const result = task.processResult(doc, output, options.scoring);
        answeredDocs.push(doc);
        answered.push(result);
        answeredOutputs.push(output);
        samples.push({ doc_id: doc.id, doc_index: i, prompt: prompts[i]!, output, parsed: result.parsed, gold: result.gold,
            scores: result.scores, error: null, cached: cachedFlags[i]!, ...(truncatedFlags === undefined ? {} : { truncated: truncatedFlags[i]! }) });
    }
    const metrics = answered.length > 0 ? task.aggregate(answeredDocs, answered, options.scoring) : {};
    const details = answered.length > 0 ? task.details?.(answeredDocs, answered) : undefined;
    if (options.bertScorer !== undefined && task.reportedMetrics.includes("bert_score_f1") && answered.length > 0) {
        metrics.bert_score_f1 = await summarizationBertScore(answeredDocs, answeredOutputs, options.bertScorer);
    }
    const promptHash = createHash("sha256").update(JSON.stringify(prompts)).digest("hex");
    return { docs, poolSize: options.pool.length, samples, metrics, details, promptHash, cached, requested: todo.length,
        ...(truncated === undefined ? {} : { truncated }), seconds: (performance.now() - started) / 1000 };
}

/**
 * Recomputes a run's metrics and details from its sample records (after a judge added scores to them). Keeps
 * metrics computed elsewhere (BERTScore) that the task's aggregate does not produce.
 */
export function rescoreRun(task: Task, run: TaskRun, scoring: Scoring): void {
    const answered = run.samples.filter((s) => s.error === null);
    if (answered.length === 0) {
        return;
    }
    const docs = answered.map((s) => run.docs[s.doc_index]!);
    const results = answered.map((s) => ({ parsed: s.parsed ?? "", gold: s.gold, scores: s.scores }));
    run.metrics = { ...run.metrics, ...task.aggregate(docs, results, scoring) };
    run.details = task.details?.(docs, results);
}

function goldOf(doc: Doc): string | string[] {
    return Array.isArray(doc.gold) ? doc.choices.filter((_, i) => (doc.gold as number[])[i] === 1) : doc.answer;
}
