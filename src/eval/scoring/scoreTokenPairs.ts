/**
 * Log-likelihood of token continuations on an InferenceSession, lm-evaluation-harness's way: the input is
 * (context + continuation)[-(maxContext + 1):][:-1], cut from the left when it does not fit (counted as truncated),
 * and the continuation's log-probability is the sum of log-softmax over the rows that predict its tokens.
 * Requests whose inputs share everything before those rows (the choices of one multiple-choice question) run that
 * prefix once into a KV cache; each continuation then runs only its own rows on top of it, overwriting the
 * previous one's (attention never reads past the current position, so stale cache rows are harmless).
 * Each result equals scoring the request alone.
 */
import type { LoglikelihoodResult } from "../api/LM.js";
import type { InferenceSession } from "../../model/inference/InferenceSession.js";
import type { LoraAdapter } from "../../model/inference/LoraAdapter.js";
import { logSumExp } from "../../model/inference/InferenceSession.js";

export interface TokenPair {
    context: readonly number[];
    continuation: readonly number[];
}

/** One request after truncation: its input's rows from `prefix` on predict `targets`. */
export interface PlannedPair {
    index: number;
    input: number[];
    targets: number[];
    truncated: boolean;
}

/**
 * Truncates each pair to the window and groups pairs whose inputs share all tokens before their scored rows
 * (`prefix` tokens, run once per group). Pairs with an empty continuation are returned as `empty`.
 */
export function planTokenPairs(pairs: readonly TokenPair[], maxContext: number): { groups: { prefix: number; items: PlannedPair[] }[]; empty: number[] } {
    const groups = new Map<string, { prefix: number; items: PlannedPair[] }>();
    const empty: number[] = [];
    pairs.forEach((pair, index) => {
        if (pair.continuation.length === 0) {
            empty.push(index);
            return;
        }
        const full = [...pair.context, ...pair.continuation];
        const kept = full.slice(Math.max(0, full.length - (maxContext + 1)));
        const input = kept.slice(0, -1);
        // A continuation longer than the window keeps its last `input.length` tokens (the rest has no row).
        const scored = Math.min(pair.continuation.length, input.length);
        const planned = { index, input, targets: kept.slice(kept.length - scored), truncated: kept.length < full.length };
        const prefix = input.length - scored;
        const key = input.slice(0, prefix).join(",");
        const group = groups.get(key);
        if (group === undefined) {
            groups.set(key, { prefix, items: [planned] });
        } else {
            group.items.push(planned);
        }
    });
    return { groups: [...groups.values()], empty };
}

export const EMPTY_CONTINUATION = "the continuation tokenizes to nothing (an empty choice?)";

/** `adapter`: a LoRA adapter applied unmerged to every pair (null: the base model). */
export async function scoreTokenPairs(session: InferenceSession, pairs: readonly TokenPair[],
    onResult?: (index: number, result: LoglikelihoodResult) => void, adapter: LoraAdapter | null = null): Promise<LoglikelihoodResult[]> {
    const results = new Array<LoglikelihoodResult>(pairs.length);
    const report = (index: number, result: LoglikelihoodResult): void => {
        results[index] = result;
        onResult?.(index, result);
    };
    const { groups, empty } = planTokenPairs(pairs, session.maxContext);
    for (const index of empty) {
        report(index, { ok: false, error: EMPTY_CONTINUATION });
    }
    const V = session.config.vocabSize;
    for (const { prefix: P, items } of groups) {
        const cache = session.createCache();
        if (P > 0) {
            session.step(Int32Array.from(items[0]!.input.slice(0, P)), 0, cache, adapter);
        }
        for (const item of items) {
            const logits = session.stepAllLogits(Int32Array.from(item.input.slice(P)), P, cache, adapter);
            let logprob = 0;
            let isGreedy = true;
            item.targets.forEach((target, t) => {
                const row = logits.subarray(t * V, (t + 1) * V);
                logprob += row[target]! - logSumExp(row);
                isGreedy &&= argmax(row) === target;
            });
            report(item.index, { ok: true, logprob, isGreedy, truncated: item.truncated });
        }
        // Scoring is synchronous: let timers and I/O (progress, signals) run between groups.
        await new Promise<void>((resolveTurn) => setImmediate(resolveTurn));
    }
    return results;
}

/** Index of the largest value (the first on ties). */
export function argmax(row: ArrayLike<number>): number {
    let best = 0;
    for (let j = 1; j < row.length; j++) {
        if (row[j]! > row[best]!) {
            best = j;
        }
    }
    return best;
}
