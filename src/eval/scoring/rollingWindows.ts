/**
 * lm-evaluation-harness's rolling windows for loglikelihood_rolling (lm_eval.utils.get_rolling_token_windows with
 * context_len 1, then make_disjoint_window): the first window predicts the first maxLen tokens after the prefix
 * token (BOS); each later window predicts the next maxLen tokens (fewer at the end) with as much preceding text as
 * context as fits. Every token is predicted exactly once, so the windows' log-likelihoods add up to the text's.
 */
export interface TokenWindow {
    /** Tokens before the predicted ones (the prefix token for the first window). */
    context: number[];
    /** The tokens this window predicts. */
    continuation: number[];
}

export function rollingWindows(tokens: readonly number[], prefixToken: number, maxLen: number): TokenWindow[] {
    if (!(Number.isInteger(maxLen) && maxLen >= 1)) {
        throw new RangeError(`rolling windows need a window of at least 1 token, got ${maxLen}`);
    }
    const windows: TokenWindow[] = [];
    if (tokens.length === 0) {
        return windows;
    }
    const first = Math.min(maxLen, tokens.length);
    // make_disjoint_window keeps len(a) - (len(b) - 1) context tokens: only the prefix token here.
    windows.push({ context: [prefixToken], continuation: tokens.slice(0, first) });
    let predicted = first;
    while (predicted < tokens.length) {
        const predLen = Math.min(tokens.length - predicted, maxLen);
        const end = predicted + predLen;
        const full = tokens.slice(end - maxLen - 1, end - 1); // end > maxLen here, so the start is never negative
        windows.push({ context: full.slice(0, full.length - (predLen - 1)), continuation: tokens.slice(end - predLen, end) });
        predicted += predLen;
    }
    return windows;
}
