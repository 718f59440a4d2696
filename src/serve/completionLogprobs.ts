/**
 * The `logprobs` object of a /v1/completions choice (OpenAI's legacy layout): parallel lists of token texts,
 * their log-probabilities (null for a first token that has no context), the top alternatives as {text: logprob}
 * maps, and each token's character offset in the choice's text. The token texts concatenate to the text and the
 * offsets never decrease: byte tokens of one character read "" but the last (tokenTexts.ts). In the top
 * alternatives the token actually at that position is keyed by that same text, so "was it the top choice" is a
 * comparison of `tokens[i]` with the best key, as lm-eval's is_greedy check of an echoed prompt does.
 */
import type { Tokenizer } from "../tokenizer/Tokenizer.js";
import type { TokenLogprob } from "./scoreTokens.js";
import { pieceText } from "./tokenTexts.js";

export interface CompletionLogprobs {
    tokens: string[];
    token_logprobs: (number | null)[];
    top_logprobs: (Record<string, number> | null)[];
    text_offset: number[];
}

/**
 * `texts`: each token's text (tokenTexts), concatenating to the choice's text. `unscored` leading tokens (a
 * prompt's first, with no context) get null entries.
 */
export function completionLogprobs(tokenizer: Tokenizer, ids: readonly number[], texts: readonly string[], scored: readonly TokenLogprob[],
    unscored: number): CompletionLogprobs {
    const out: CompletionLogprobs = { tokens: [...texts], token_logprobs: [], top_logprobs: [], text_offset: [] };
    let offset = 0;
    texts.forEach((text, i) => {
        const s = i < unscored ? undefined : scored[i - unscored];
        out.token_logprobs.push(s === undefined ? null : s.logprob);
        out.top_logprobs.push(s === undefined ? null
            : Object.fromEntries(s.top.map((t) => [t.id === ids[i] ? text : pieceText(tokenizer, t.id), t.logprob])));
        out.text_offset.push(offset);
        offset += text.length;
    });
    return out;
}
