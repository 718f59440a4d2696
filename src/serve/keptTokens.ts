/**
 * The generated tokens that make up a choice's text: all of them, unless a stop string cut the text, in which
 * case the tokens past the cut are dropped, so logprobs describe the text the client got (usage still counts
 * every token generated).
 */
import type { Tokenizer } from "../tokenizer/Tokenizer.js";

export function keptTokens(tokenizer: Tokenizer, tokens: readonly number[], text: string): number[] {
    const kept: number[] = [];
    for (const id of tokens) {
        if (tokenizer.decode(kept).length >= text.length) {
            break;
        }
        kept.push(id);
    }
    return kept;
}
