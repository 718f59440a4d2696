/**
 * One log-likelihood task of a run (lm-eval's multiple_choice and loglikelihood_rolling output types): build the
 * requests (one per choice after the doc's prompt, or one per text), take what the cache has, send the rest to the
 * backend's loglikelihood / loglikelihoodRolling (each answer cached as it arrives), then score each document whose
 * requests were all answered. A document with a failed request (a choice that tokenizes to nothing, a server
 * without logprobs) becomes a failed sample naming the error; contexts cut from the left to fit the model's window
 * are counted per task (results.json "truncated") and never dropped silently.
 */
import { createHash } from "node:crypto";
import type { LM, LoglikelihoodRequest, LoglikelihoodResult, RollingResult } from "../api/LM.js";
import type { Doc, SampleResult, Task } from "../api/Task.js";
import type { ResponseCache } from "../cache/ResponseCache.js";
import { BackendUnavailableError } from "../backends/BackendUnavailableError.js";
import { createProgress } from "../../util/progress.js";
import type { SampleRecord } from "./ResultsJson.js";
import type { TaskRun } from "./runTask.js";

export function loglikelihoodHash(request: LoglikelihoodRequest): string {
    return createHash("sha256").update(JSON.stringify({ type: "loglikelihood", context: request.context, continuation: request.continuation })).digest("hex");
}

export function rollingHash(text: string): string {
    return createHash("sha256").update(JSON.stringify({ type: "loglikelihood_rolling", text })).digest("hex");
}

export interface RunScoringTaskOptions {
    task: Task;
    pool: readonly Doc[];
    docs: Doc[];
    /** The doc prompts (multiple choice) as buildPrompts made them; ignored for rolling tasks (the text is scored). */
    prompts: string[];
    lm: LM;
    cache: ResponseCache;
    progress: boolean;
    started: number;
}

type Answer = { logprob: number; isGreedy: boolean; truncated: boolean };

export async function runScoringTask(o: RunScoringTaskOptions): Promise<TaskRun> {
    const { task, docs, lm, cache } = o;
    const rolling = task.outputType === "loglikelihood_rolling";
    const method = rolling ? "loglikelihoodRolling" : "loglikelihood";
    if (lm[method] === undefined) {
        throw new BackendUnavailableError(lm.id, `this backend cannot score log-likelihoods (${method}), which task ${task.name} needs; `
            + "use native:PATH, llamacpp:FILE.gguf or openai:URL against a server with completions echo + logprobs");
    }
    // Flattened requests: doc i owns [first[i], first[i + 1]).
    const contexts: string[] = rolling ? docs.map((d) => d.query) : o.prompts;
    const continuations: string[][] = rolling ? docs.map(() => [""]) : docs.map((d) => task.choiceContinuations!(d));
    const first: number[] = [];
    const owner: number[] = [];
    const requests: LoglikelihoodRequest[] = [];
    continuations.forEach((conts, i) => {
        first.push(requests.length);
        for (const continuation of conts) {
            owner.push(i);
            requests.push({ context: contexts[i]!, continuation });
        }
    });
    first.push(requests.length);
    const hashes = requests.map((r) => (rolling ? rollingHash(r.context) : loglikelihoodHash(r)));
    const answers: (Answer | undefined)[] = hashes.map((h) => {
        const hit = cache.get(lm.id, h);
        return hit === undefined ? undefined : JSON.parse(hit) as Answer;
    });
    const errors: (string | null)[] = requests.map(() => null);
    const todo = answers.flatMap((a, i) => (a === undefined ? [i] : []));
    const cached = requests.length - todo.length;
    const bar = o.progress ? createProgress({ label: `eval ${task.name}`, total: requests.length, unit: rolling ? "texts" : "choices" }) : undefined;
    bar?.update(cached);
    let done = cached;
    const take = (i: number, result: LoglikelihoodResult | RollingResult): void => {
        if (result.ok) {
            const answer: Answer = { logprob: result.logprob, isGreedy: "isGreedy" in result ? result.isGreedy : false,
                truncated: "truncated" in result ? result.truncated : false };
            answers[i] = answer;
            cache.put(lm.id, hashes[i]!, JSON.stringify(answer));
        } else {
            errors[i] = result.error;
        }
        bar?.update(++done);
    };
    if (todo.length > 0) {
        if (rolling) {
            await lm.loglikelihoodRolling!(todo.map((i) => requests[i]!.context), (j, r) => take(todo[j]!, r));
        } else {
            await lm.loglikelihood!(todo.map((i) => requests[i]!), (j, r) => take(todo[j]!, r));
        }
    }
    bar?.stop();

    const sent = new Set(todo);
    const samples: SampleRecord[] = [];
    const answeredDocs: Doc[] = [];
    const answered: SampleResult[] = [];
    let truncated = 0;
    docs.forEach((doc, i) => {
        const mine = answers.slice(first[i], first[i + 1]);
        const prompt = rolling ? "" : o.prompts[i]!;
        const firstError = errors.slice(first[i], first[i + 1]).find((e) => e !== null);
        if (mine.some((a) => a === undefined)) {
            samples.push({ doc_id: doc.id, doc_index: i, prompt, output: null, parsed: null, gold: doc.answer, scores: {},
                error: firstError ?? "no response", cached: false });
            return;
        }
        const got = mine as Answer[];
        truncated += got.some((a) => a.truncated) ? 1 : 0;
        const result = task.processLoglikelihoods!(doc, got);
        answeredDocs.push(doc);
        answered.push(result);
        samples.push({ doc_id: doc.id, doc_index: i, prompt, output: null, parsed: result.parsed, gold: result.gold, scores: result.scores,
            error: null, cached: mine.every((_, k) => !sent.has(first[i]! + k)),
            loglikelihoods: got.map((a) => a.logprob), truncated: got.some((a) => a.truncated) });
    });
    if (truncated > 0) {
        process.stderr.write(`eval ${task.name}: ${truncated} document(s) longer than the model's window were cut from the left (results.json "truncated")\n`);
    }
    const metrics = answered.length > 0 ? task.aggregate(answeredDocs, answered, "paper") : {};
    const promptHash = createHash("sha256").update(JSON.stringify(requests)).digest("hex");
    return { docs, poolSize: o.pool.length, samples, metrics, promptHash, cached, requested: todo.length, truncated,
        seconds: (performance.now() - o.started) / 1000 };
}
