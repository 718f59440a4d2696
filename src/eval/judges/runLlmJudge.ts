/**
 * Runs a task's judge (Task.judge) over the answered samples of one task run, through any backend: builds each
 * sample's judge prompt, takes what the response cache already holds (keyed by the judge's identity and the
 * request, so the rubric version inside the prompt separates rubrics), sends the rest, and commits every reply
 * as it arrives, so a run killed during judging and rerun recomputes no verdict. Unreadable replies are retried
 * with the next attempt's prompt (its own cache entry); after the last attempt, or when the request itself
 * fails, the sample is recorded as unjudged (error kept, counted apart, never right or wrong). A failed request
 * is not cached, so a rerun asks again.
 */
import type { GenerateRequest, LM } from "../api/LM.js";
import type { SampleResult, Scoring, Task, TaskJudge } from "../api/Task.js";
import type { ResponseCache } from "../cache/ResponseCache.js";
import { requestHash } from "../cache/ResponseCache.js";
import type { TaskRun } from "../run/runTask.js";
import { rescoreRun } from "../run/runTask.js";
import { createProgress } from "../../util/progress.js";

export interface RunLlmJudgeOptions {
    task: Task & { judge: TaskJudge };
    run: TaskRun;
    judge: LM;
    cache: ResponseCache;
    scoring: Scoring;
    progress: boolean;
}

export interface JudgeStats {
    cached: number;
    requested: number;
    unjudged: number;
}

interface Pending {
    sample: number;
    result: SampleResult;
    attempts: number;
    reply: string | null;
    verdicts: string[] | null;
    error?: string;
}

export async function runLlmJudge({ task, run, judge, cache, scoring, progress }: RunLlmJudgeOptions): Promise<JudgeStats> {
    const spec = task.judge;
    const stats: JudgeStats = { cached: 0, requested: 0, unjudged: 0 };
    const all: Pending[] = run.samples.flatMap((s, i) => (s.error === null && s.output !== null
        ? [{ sample: i, result: { parsed: s.parsed ?? "", gold: s.gold, scores: s.scores }, attempts: 0, reply: null, verdicts: null }] : []));
    const bar = progress ? createProgress({ label: `judge ${task.name}`, total: all.length, unit: "samples" }) : undefined;
    let done = 0;
    let open: Pending[] = [];
    for (const p of all) {
        if (spec.prompt(run.docs[run.samples[p.sample]!.doc_index]!, p.result, 1) === null) {
            p.verdicts = [];
            bar?.update(++done);
        } else {
            open.push(p);
        }
    }
    for (let attempt = 1; attempt <= spec.maxAttempts && open.length > 0; attempt++) {
        const requests: GenerateRequest[] = open.map((p) => {
            const record = run.samples[p.sample]!;
            return { prompt: spec.prompt(run.docs[record.doc_index]!, p.result, attempt)!, until: [], maxTokens: spec.maxTokens, temperature: 0,
                docId: `${task.name}/${record.doc_id}#judge` };
        });
        const hashes = requests.map(requestHash);
        const replies: (string | undefined)[] = hashes.map((h) => cache.get(judge.cacheKey ?? judge.id, h));
        const errors: (string | undefined)[] = requests.map(() => undefined);
        stats.cached += replies.filter((r) => r !== undefined).length;
        const todo = replies.flatMap((r, i) => (r === undefined ? [i] : []));
        stats.requested += todo.length;
        if (todo.length > 0) {
            await judge.generateUntil(todo.map((i) => requests[i]!), (j, result) => {
                const i = todo[j]!;
                if (result.ok) {
                    replies[i] = result.text;
                    cache.put(judge.cacheKey ?? judge.id, hashes[i]!, result.text);
                } else {
                    errors[i] = result.error;
                }
            });
        }
        const retry: Pending[] = [];
        open.forEach((p, i) => {
            const record = run.samples[p.sample]!;
            p.attempts = attempt;
            const reply = replies[i];
            if (reply === undefined) {
                p.error = `judge request failed: ${errors[i] ?? "no response"}`;
                bar?.update(++done);
                return;
            }
            p.reply = reply;
            p.verdicts = spec.parse(reply, run.docs[record.doc_index]!, p.result);
            if (p.verdicts === null && attempt < spec.maxAttempts) {
                retry.push(p);
            } else {
                if (p.verdicts === null) {
                    p.error = `no readable verdicts after ${attempt} attempt(s)`;
                }
                bar?.update(++done);
            }
        });
        open = retry;
    }
    bar?.stop();
    for (const p of all) {
        const record = run.samples[p.sample]!;
        record.scores = { ...record.scores, ...spec.score(p.verdicts, run.docs[record.doc_index]!, p.result) };
        record.judge = { model: judge.id, rubric_version: spec.rubricVersion, verdicts: p.verdicts, attempts: p.attempts, reply: p.reply,
            ...(p.error === undefined ? {} : { error: p.error }) };
        if (p.verdicts === null) {
            stats.unjudged++;
        }
    }
    rescoreRun(task, run, scoring);
    return stats;
}
