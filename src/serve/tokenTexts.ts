/**
 * The text of each token as it reads in the decoded output (SentencePiece's "▁" as a space, byte pieces joined
 * into their characters), so that the texts concatenate to the decoded whole and their running lengths are
 * monotonic character offsets into it (OpenAI's `text_offset`).
 *
 * A character spelled by several byte tokens (byte fallback: "—" is <0xE2><0x80><0x94>) belongs to the token that
 * completes it: the earlier ones read "" and share its offset. llama.cpp's server does the same when it streams
 * (a cut UTF-8 sequence is held back until its last byte arrives) and OpenAI's offsets never go backwards.
 * Formally: token i's text ends where decode(ids[..i+1]) stops agreeing with decode(ids), so an incomplete
 * sequence (decoded as U+FFFD) is never committed, while a U+FFFD that the whole text also has is.
 */
import { ByteLevelBpe } from "../tokenizer/ByteLevelBpe.js";
import type { Tokenizer } from "../tokenizer/Tokenizer.js";

function agreeing(a: string, b: string): number {
    const n = Math.min(a.length, b.length);
    let i = 0;
    while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) {
        i++;
    }
    // Never between the halves of a surrogate pair.
    return i > 0 && i < b.length && (b.charCodeAt(i - 1) & 0xfc00) === 0xd800 ? i - 1 : i;
}

export function tokenTexts(tokenizer: Tokenizer, ids: readonly number[], prefix: readonly number[] = []): string[] {
    const whole = tokenizer.decode([...prefix, ...ids]);
    let committed = agreeing(tokenizer.decode(prefix), whole);
    const out: string[] = [];
    const seq = [...prefix];
    ids.forEach((id, i) => {
        seq.push(id);
        const end = i === ids.length - 1 ? whole.length : Math.max(committed, agreeing(tokenizer.decode(seq), whole));
        out.push(whole.slice(committed, end));
        committed = end;
    });
    return out;
}

/**
 * One token's piece on its own ("▁the" -> " the"; byte-level "Ġthe" -> " the"), for top alternatives that were not
 * generated.
 */
export function pieceText(tokenizer: Tokenizer, id: number): string {
    return tokenizer instanceof ByteLevelBpe ? tokenizer.decode([id]) : tokenizer.idToPiece(id).replaceAll("\u2581", " ");
}
