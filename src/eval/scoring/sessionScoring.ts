/**
 * The scoring half of the native backend: lm-eval's loglikelihood (multiple choice) and loglikelihood_rolling
 * (perplexity) on an InferenceSession, with the session's own tokenizer and context as the window.
 */
import type { LoglikelihoodRequest, LoglikelihoodResult, RollingResult } from "../api/LM.js";
import type { InferenceSession } from "../../model/inference/InferenceSession.js";
import type { LoraAdapter } from "../../model/inference/LoraAdapter.js";
import { encodePair } from "./encodePair.js";
import { rollingWindows } from "./rollingWindows.js";
import { scoreTokenPairs } from "./scoreTokenPairs.js";

export function sessionLoglikelihood(session: InferenceSession, requests: readonly LoglikelihoodRequest[],
    onResult?: (index: number, result: LoglikelihoodResult) => void, adapter: LoraAdapter | null = null): Promise<LoglikelihoodResult[]> {
    return scoreTokenPairs(session, requests.map((r) => encodePair(session.tokenizer, r.context, r.continuation)), onResult, adapter);
}

/** Each text encoded without BOS, split into rolling windows after the BOS prefix token, the windows' sums added. */
export async function sessionLoglikelihoodRolling(session: InferenceSession, texts: readonly string[],
    onResult?: (index: number, result: RollingResult) => void, adapter: LoraAdapter | null = null): Promise<RollingResult[]> {
    const out: RollingResult[] = [];
    for (let i = 0; i < texts.length; i++) {
        const tokens = session.tokenizer.encode(texts[i]!);
        const windows = rollingWindows(tokens, session.tokenizer.bosId, session.maxContext);
        const scored = await scoreTokenPairs(session, windows, undefined, adapter);
        const failed = scored.find((s) => !s.ok);
        const result: RollingResult = failed !== undefined && !failed.ok ? { ok: false, error: failed.error }
            : { ok: true, logprob: scored.reduce((sum, s) => sum + (s.ok ? s.logprob : 0), 0), tokens: tokens.length, windows: windows.length };
        out.push(result);
        onResult?.(i, result);
    }
    return out;
}
