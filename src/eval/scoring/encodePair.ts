/**
 * lm-evaluation-harness's `_encode_pair`: trailing whitespace of the context moves to the continuation, then
 * whole = encode(context + continuation) and the continuation's tokens are whole[len(encode(context)):], so a token
 * that merges across the boundary is scored as the continuation's. mellama's LLaMA models are scored with BOS
 * (Me-LLaMA's harness ran Hugging Face tokenizers with their default add_special_tokens, which adds it).
 */
import type { Tokenizer } from "../../tokenizer/Tokenizer.js";

export interface EncodedPair {
    context: number[];
    continuation: number[];
}

/** Moves the context's trailing whitespace onto the continuation (lm-eval: n_spaces = len(context) - len(context.rstrip())). */
export function splitTrailingSpace(context: string, continuation: string): { context: string; continuation: string } {
    const kept = context.replace(/\s+$/u, "");
    return { context: kept, continuation: context.slice(kept.length) + continuation };
}

export function encodePair(tokenizer: Pick<Tokenizer, "encode">, context: string, continuation: string): EncodedPair {
    const pair = splitTrailingSpace(context, continuation);
    const whole = tokenizer.encode(pair.context + pair.continuation, { bos: true });
    const contextIds = tokenizer.encode(pair.context, { bos: true });
    return { context: contextIds, continuation: whole.slice(contextIds.length) };
}
