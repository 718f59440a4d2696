/**
 * Log-probabilities for logprobs/top_logprobs: each token's log p under the model's raw distribution (before
 * temperature and top-p, as OpenAI reports them) and the `top` most likely tokens at its position.
 * Computed after generation over a KV cache of its own (the context prefilled once, then one step per token, so
 * the cost is that of one more generation), yielding to the event loop between positions so other clients'
 * streams keep flowing.
 */
import type { InferenceSession, LoraAdapter } from "../model/inference/index.js";
import { logSumExp } from "../model/inference/InferenceSession.js";

export interface TokenLogprob {
    id: number;
    logprob: number;
    /** The most likely tokens at this position, most likely first. */
    top: { id: number; logprob: number }[];
}

/** Scores `tokens` as they follow `context` (which must be non-empty: it holds BOS), under the model with `adapter` if not null. */
export async function scoreTokens(session: InferenceSession, adapter: LoraAdapter | null, context: readonly number[], tokens: readonly number[], top: number,
    signal?: AbortSignal): Promise<TokenLogprob[]> {
    const out: TokenLogprob[] = [];
    const cache = session.createCache();
    let logits = session.step(Int32Array.from(context), 0, cache, adapter);
    const one = new Int32Array(1);
    for (let i = 0; i < tokens.length; i++) {
        if (signal?.aborted === true) {
            break;
        }
        const id = tokens[i]!;
        const logZ = logSumExp(logits);
        out.push({ id, logprob: logits[id]! - logZ, top: topK(logits, top).map((t) => ({ id: t, logprob: logits[t]! - logZ })) });
        if (i + 1 < tokens.length) {
            await new Promise<void>((resolve) => setImmediate(resolve));
            one[0] = id;
            logits = session.step(one, context.length + i, cache, adapter);
        }
    }
    return out;
}

/** Indices of the k largest values, largest first (k is at most 20). */
function topK(values: Float32Array, k: number): number[] {
    const best: number[] = [];
    for (let i = 0; i < values.length && k > 0; i++) {
        if (best.length < k || values[i]! > values[best[best.length - 1]!]!) {
            let at = best.length;
            while (at > 0 && values[best[at - 1]!]! < values[i]!) {
                at--;
            }
            best.splice(at, 0, i);
            if (best.length > k) {
                best.pop();
            }
        }
    }
    return best;
}
