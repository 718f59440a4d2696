/**
 * The text of each token as it reads in the decoded output (SentencePiece's "▁" as a space, byte pieces joined
 * into their characters): token i's text is decode(ids[..i+1]) minus decode(ids[..i]), so the texts concatenate
 * to the decoded whole. Used for logprobs `tokens`/`token` and OpenAI's `bytes`.
 */
import { ByteLevelBpe } from "../tokenizer/ByteLevelBpe.js";
import type { Tokenizer } from "../tokenizer/Tokenizer.js";

export function tokenTexts(tokenizer: Tokenizer, ids: readonly number[], prefix: readonly number[] = []): string[] {
    const out: string[] = [];
    let before = tokenizer.decode(prefix);
    const seq = [...prefix];
    for (const id of ids) {
        seq.push(id);
        const now = tokenizer.decode(seq);
        out.push(now.startsWith(before) ? now.slice(before.length) : pieceText(tokenizer, id));
        before = now;
    }
    return out;
}

/**
 * One token's piece on its own ("▁the" -> " the"; byte-level "Ġthe" -> " the"), for top alternatives that were not
 * generated.
 */
export function pieceText(tokenizer: Tokenizer, id: number): string {
    return tokenizer instanceof ByteLevelBpe ? tokenizer.decode([id]) : tokenizer.idToPiece(id).replaceAll("\u2581", " ");
}
