/**
 * Log-probabilities for logprobs/top_logprobs: each token's log p under the model's raw distribution (before
 * temperature and top-p, as OpenAI reports them) and the `top` most likely tokens at its position.
 * Computed after generation through the session's public `logits(tokens)` (one prefill per position: the cost
 * grows with length², so it is paid only by requests that ask for logprobs), yielding to the event loop between
 * positions so other clients' streams keep flowing.
 */
import type { InferenceSession } from "../model/inference/index.js";

export interface TokenLogprob {
    id: number;
    logprob: number;
    /** The most likely tokens at this position, most likely first. */
    top: { id: number; logprob: number }[];
}

/** Scores `tokens` as they follow `context` (which must be non-empty: it holds BOS). */
export async function scoreTokens(session: InferenceSession, context: readonly number[], tokens: readonly number[], top: number, signal?: AbortSignal): Promise<TokenLogprob[]> {
    const out: TokenLogprob[] = [];
    const seq = [...context];
    for (const id of tokens) {
        if (signal?.aborted === true) {
            break;
        }
        const logits = session.logits(seq);
        let max = -Infinity;
        for (const v of logits) {
            max = v > max ? v : max;
        }
        let sum = 0;
        for (const v of logits) {
            sum += Math.exp(v - max);
        }
        const logZ = max + Math.log(sum);
        out.push({ id, logprob: logits[id]! - logZ, top: topK(logits, top).map((t) => ({ id: t, logprob: logits[t]! - logZ })) });
        seq.push(id);
        await new Promise<void>((resolve) => setImmediate(resolve));
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
