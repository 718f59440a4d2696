/**
 * The scoring half of the llamacpp backend: lm-eval's loglikelihood and loglikelihood_rolling through one
 * node-llama-cpp context sequence, planned exactly as the native backend plans them (same encodePair, truncation,
 * rolling windows, shared prefix run once per group), so the two backends score the same tokens. Raw logits (every
 * vocabulary entry) come from controlledEvaluate; log-softmax is taken here in float64, ties go to the lower id.
 */
import type { LoglikelihoodRequest, LoglikelihoodResult, RollingResult } from "../api/LM.js";
import type { Tokenizer } from "../../tokenizer/Tokenizer.js";
import { encodePair } from "./encodePair.js";
import { rollingWindows } from "./rollingWindows.js";
import type { TokenPair } from "./scoreTokenPairs.js";
import { EMPTY_CONTINUATION, planTokenPairs } from "./scoreTokenPairs.js";

/** The part of node-llama-cpp's LlamaContextSequence used here (typed locally: the package is optional). */
export interface LlamacppSequence {
    readonly nextTokenIndex: number;
    clearHistory(): Promise<void>;
    eraseContextTokenRanges(ranges: { start: number; end: number }[]): Promise<void>;
    controlledEvaluate(input: (number | [number, { generateNext: { logits: true } }])[]): Promise<({ next: { logits?: Map<number, number> } } | undefined)[]>;
}

export interface LlamacppScorer {
    loglikelihood(requests: readonly LoglikelihoodRequest[], onResult?: (index: number, result: LoglikelihoodResult) => void): Promise<LoglikelihoodResult[]>;
    loglikelihoodRolling(texts: readonly string[], onResult?: (index: number, result: RollingResult) => void): Promise<RollingResult[]>;
}

export function createLlamacppScorer(sequence: LlamacppSequence, tokenizer: Pick<Tokenizer, "encode" | "bosId">, maxContext: number): LlamacppScorer {
    const scorePairs = async (pairs: readonly TokenPair[], onResult?: (index: number, result: LoglikelihoodResult) => void): Promise<LoglikelihoodResult[]> => {
        const results = new Array<LoglikelihoodResult>(pairs.length);
        const report = (index: number, result: LoglikelihoodResult): void => {
            results[index] = result;
            onResult?.(index, result);
        };
        const { groups, empty } = planTokenPairs(pairs, maxContext);
        for (const index of empty) {
            report(index, { ok: false, error: EMPTY_CONTINUATION });
        }
        for (const { prefix: P, items } of groups) {
            await sequence.clearHistory();
            if (P > 0) {
                await sequence.controlledEvaluate(items[0]!.input.slice(0, P));
            }
            for (const item of items) {
                if (sequence.nextTokenIndex > P) {
                    await sequence.eraseContextTokenRanges([{ start: P, end: sequence.nextTokenIndex }]);
                }
                const out = await sequence.controlledEvaluate(item.input.slice(P)
                    .map((t) => [t, { generateNext: { logits: true } }] as [number, { generateNext: { logits: true } }]));
                let logprob = 0;
                let isGreedy = true;
                let error: string | null = null;
                item.targets.forEach((target, t) => {
                    const logits = out[t]?.next.logits;
                    if (logits === undefined) {
                        error = "node-llama-cpp returned no logits for a scored position";
                        return;
                    }
                    let max = -Infinity;
                    let best = -1;
                    for (const [token, value] of logits) {
                        if (value > max || (value === max && token < best)) {
                            max = value;
                            best = token;
                        }
                    }
                    let sum = 0;
                    for (const value of logits.values()) {
                        sum += Math.exp(value - max);
                    }
                    logprob += (logits.get(target) ?? -Infinity) - (max + Math.log(sum));
                    isGreedy &&= best === target;
                });
                report(item.index, error !== null ? { ok: false, error } : { ok: true, logprob, isGreedy, truncated: item.truncated });
            }
        }
        return results;
    };
    return {
        loglikelihood: (requests, onResult) => scorePairs(requests.map((r) => encodePair(tokenizer, r.context, r.continuation)), onResult),
        loglikelihoodRolling: async (texts, onResult) => {
            const out: RollingResult[] = [];
            for (let i = 0; i < texts.length; i++) {
                const tokens = tokenizer.encode(texts[i]!);
                const windows = rollingWindows(tokens, tokenizer.bosId, maxContext);
                const scored = await scorePairs(windows);
                const failed = scored.find((s) => !s.ok);
                const result: RollingResult = failed !== undefined && !failed.ok ? { ok: false, error: failed.error }
                    : { ok: true, logprob: scored.reduce((sum, s) => sum + (s.ok ? s.logprob : 0), 0), tokens: tokens.length, windows: windows.length };
                out.push(result);
                onResult?.(i, result);
            }
            return out;
        },
    };
}
