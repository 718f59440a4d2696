/**
 * Shared by the llama.cpp parity tests: node-llama-cpp loaded lazily (an optional dependency), and one
 * comparison of a GGUF in llama.cpp (F32 KV cache, flash attention off) with mellama's session on it: next-token
 * logits after each prompt within a tolerance, and greedy generation identical.
 */
import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import type { SentencePieceBpe } from "../../src/tokenizer/SentencePieceBpe.js";

export interface Sequence {
    clearHistory(): Promise<void>;
    controlledEvaluate(input: (number | [number, { generateNext: { logits: true } }])[]): Promise<({ next: { logits?: Map<number, number> } } | undefined)[]>;
    evaluate(tokens: number[], o: { temperature: number }): AsyncIterable<number>;
}
export interface Llama {
    loadModel(o: { modelPath: string }): Promise<{
        createContext(o: {
            contextSize: number; threads: number; experimentalKvCacheKeyType?: string; experimentalKvCacheValueType?: string; flashAttention?: boolean;
        }): Promise<{ getSequence(): Sequence; dispose(): Promise<void> }>;
        dispose(): Promise<void>;
    }>;
    dispose(): Promise<void>;
}

/** What the comparison needs of a mellama session. */
export interface Session {
    logits(ids: number[]): Float32Array;
    generateFromIds(ids: number[], o: { maxTokens: number }): { tokens: number[] };
    createCache(): unknown;
    step(tokens: Int32Array, pos0: number, cache: never): Float32Array;
}

/**
 * mellama's greedy tokens after `ids` and, at each step, the top-2 margin of its logits: a step whose margin is
 * below the logit tolerance is a near tie, which the two engines may break differently within tolerance.
 */
function greedyWithMargins(mine: Session, ids: number[], n: number, vocab: number): { tokens: number[]; margins: number[] } {
    const cache = mine.createCache() as never;
    let logits = mine.step(Int32Array.from(ids), 0, cache);
    const tokens: number[] = [];
    const margins: number[] = [];
    for (let k = 0; k < n; k++) {
        let best = 0;
        let second = -Infinity;
        for (let v = 1; v < vocab; v++) {
            if (logits[v]! > logits[best]!) {
                second = logits[best]!;
                best = v;
            } else if (logits[v]! > second) {
                second = logits[v]!;
            }
        }
        tokens.push(best);
        margins.push(logits[best]! - second);
        if (k + 1 < n) {
            logits = mine.step(Int32Array.from([best]), ids.length + k, cache);
        }
    }
    return { tokens, margins };
}

export async function getLlama(): Promise<Llama | string> {
    try {
        const name = "node-llama-cpp"; // a variable keeps tsc from needing the optional package's types
        const mod = await import(name) as { getLlama(o: Record<string, unknown>): Promise<Llama> };
        return await mod.getLlama({ build: "never", gpu: false, logLevel: "error" });
    } catch (error) {
        return `node-llama-cpp or its prebuilt binary is unavailable (${(error as Error).message.split("\n")[0]})`;
    }
}

export const PROMPTS = ["The patient has a fever", "Chest pain radiating to the left arm", "History of present illness:", "Diagnosis"];

export interface CompareOptions {
    label: string;
    tolerance: number;
    /** Greedy tokens compared per prompt (0: logits only). */
    greedyTokens: number;
}

export async function compareWithLlamaCpp(
    t: TestContext, llama: Llama, path: string, mine: Session, tok: SentencePieceBpe, { label, tolerance, greedyTokens }: CompareOptions,
): Promise<{ worst: number; compared: number[] }> {
    const lm = await llama.loadModel({ modelPath: path });
    // One thread: on a busy 2-core machine llama.cpp's spinning workers are otherwise very slow.
    const ctx = await lm.createContext({ contextSize: 128, threads: 1, experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32", flashAttention: false });
    const seq = ctx.getSequence();
    let worst = 0;
    const compared: number[] = [];
    try {
        for (const text of PROMPTS) {
            const ids = [tok.bosId, ...tok.encode(text)];
            const theirs = await llamaCppNextLogits(seq, ids);
            assert.ok(theirs !== undefined && theirs.size === tok.vocabSize, "llama.cpp returned the full logits");
            const ours = mine.logits(ids);
            const maxDiff = maxLogitDiff(theirs, ours);
            const sorted = [...ours].sort((a, b) => b - a);
            const scale = Math.max(Math.abs(sorted[0]!), Math.abs(sorted.at(-1)!));
            t.diagnostic(`${label} "${text.slice(0, 12)}…": max |logit diff| ${maxDiff.toExponential(2)} (max |logit| ${scale.toFixed(1)}, top-2 margin ${(sorted[0]! - sorted[1]!).toFixed(3)})`);
            assert.ok(maxDiff <= tolerance, `${label}: max abs logit diff ${maxDiff} > ${tolerance}`);
            worst = Math.max(worst, maxDiff);
            if (greedyTokens > 0) {
                await seq.clearHistory();
                const got: number[] = [];
                for await (const id of seq.evaluate(ids, { temperature: 0 })) {
                    got.push(id);
                    if (got.length === greedyTokens) {
                        break;
                    }
                }
                const want = mine.generateFromIds(ids, { maxTokens: greedyTokens }).tokens;
                const { tokens: path, margins } = greedyWithMargins(mine, ids, want.length, tok.vocabSize);
                assert.deepEqual(path, want, "mellama's step path is its generate path");
                // Every step clear of a near tie (the model is built so), then all tokens identical.
                const tie = margins.findIndex((m) => m < tolerance);
                const upTo = want.length;
                t.diagnostic(`${label} prompt ${PROMPTS.indexOf(text)}: ${want.length} greedy tokens, smallest top-2 margin ${Math.min(...margins).toFixed(3)}`);
                assert.equal(tie, -1, `${label} prompt ${PROMPTS.indexOf(text)}: step ${tie} is a near tie (top-2 margin ${margins[tie]?.toFixed(3)} below the tolerance ${tolerance}); the model must keep margins above it`);
                assert.equal(want.length, greedyTokens, `${label}: mellama generated ${want.length} of ${greedyTokens} tokens`);
                assert.deepEqual(got, want, `${label} greedy tokens for prompt ${PROMPTS.indexOf(text)}`);
                compared.push(upTo);
            }
        }
    } finally {
        await ctx.dispose();
        await lm.dispose();
    }
    return { worst, compared };
}

/** llama.cpp's logits for the token after `ids`, evaluated from an empty history (undefined if none came back). */
/** The largest |ours[id] - theirs(id)| over llama.cpp's logits. */
export function maxLogitDiff(theirs: ReadonlyMap<number, number>, ours: ArrayLike<number>): number {
    let maxDiff = 0;
    for (const [id, v] of theirs) {
        maxDiff = Math.max(maxDiff, Math.abs(ours[id]! - v));
    }
    return maxDiff;
}

export async function llamaCppNextLogits(seq: Sequence, ids: readonly number[]): Promise<Map<number, number> | undefined> {
    await seq.clearHistory();
    const res = await seq.controlledEvaluate([...ids.slice(0, -1), [ids.at(-1)!, { generateNext: { logits: true } }]]);
    return res.at(-1)?.next.logits;
}
