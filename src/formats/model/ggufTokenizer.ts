/**
 * The one tokenizer for a GGUF vocabulary. tokenizer.ggml.model "gpt2": byte-level BPE (LLaMA-3) with the regex
 * tokenizer.ggml.pre names. "llama": LLaMA-2 SentencePiece BPE with byte
 * fallback when the vocabulary has byte pieces, a dummy prefix, no normalization. Digits are not split: llama.cpp,
 * whose file this is, never splits them (LLaMA-2's vocabulary has no multi-digit pieces, so for it both agree).
 * Export to a Hugging Face directory writes this same model as tokenizer.model.
 */
import type { SentencePieceModel } from "../../tokenizer/sentencepieceModel.js";
import { PieceType } from "../../tokenizer/Tokenizer.js";
import { ByteLevelBpe, GPT2_PATTERN, LLAMA3_PATTERN } from "../../tokenizer/ByteLevelBpe.js";
import type { LoadedTokenizer } from "../../tokenizer/loadTokenizer.js";
import { SentencePieceBpe } from "../../tokenizer/SentencePieceBpe.js";
import { ConfigError } from "../../errors/MellamaError.js";
import { GgufError } from "../gguf/GgufError.js";
import type { GgufVocab } from "../gguf/llamaGguf.js";

export function sentencePieceFromGgufVocab(v: GgufVocab): SentencePieceModel {
    return {
        pieces: [...v.pieces],
        trainer: {
            modelType: 2, vocabSize: v.pieces.length, byteFallback: v.pieces.some((p) => p.type === PieceType.BYTE), splitDigits: false,
            unkId: v.unkId, bosId: v.bosId, eosId: v.eosId, padId: v.padId ?? -1, raw: [],
        },
        normalizer: { name: "identity", addDummyPrefix: true, removeExtraWhitespaces: false, escapeWhitespaces: true, hasCharsmap: false, raw: [] },
    };
}

/** llama.cpp's pre-tokenizer names and the regex each stands for. */
const PRE_PATTERNS: Record<string, { pattern: string; ignoreMerges: boolean }> = {
    "llama-bpe": { pattern: LLAMA3_PATTERN, ignoreMerges: true },
    "gpt-2": { pattern: GPT2_PATTERN, ignoreMerges: false },
    default: { pattern: GPT2_PATTERN, ignoreMerges: false },
};

/** A GGUF vocabulary as the tokenizer it names: SentencePiece (llama) or byte-level BPE (gpt2, by tokenizer.ggml.pre). */
export function tokenizerFromGgufVocab(v: GgufVocab, file: string): LoadedTokenizer {
    if (v.model !== "gpt2") {
        return new SentencePieceBpe(sentencePieceFromGgufVocab(v));
    }
    const pre = PRE_PATTERNS[v.pre ?? "default"];
    if (pre === undefined) {
        throw new GgufError(file, "tokenizer.ggml.pre", `"${String(v.pre)}" is not supported (${Object.keys(PRE_PATTERNS).join(", ")})`);
    }
    const added = v.pieces.flatMap((p, id) => (p.type === PieceType.CONTROL || p.type === PieceType.USER_DEFINED
        ? [{ id, content: p.piece, special: p.type === PieceType.CONTROL }] : []));
    return new ByteLevelBpe({
        tokens: v.pieces.map((p) => p.piece), merges: (v.merges ?? []).map((m): [string, string] => {
            const cut = m.indexOf(" ");
            return [m.slice(0, cut), m.slice(cut + 1)];
        }),
        added, pattern: pre.pattern, ignoreMerges: pre.ignoreMerges, bosId: v.bosId, eosId: v.eosId, padId: v.padId ?? null,
    });
}

/** The GGUF vocabulary of a byte-level tokenizer (tokenizer.ggml.model gpt2); its regex must be one llama.cpp names. */
export function ggufVocabOfByteLevel(tokenizer: ByteLevelBpe): Omit<GgufVocab, "addBos" | "addEos" | "chatTemplate"> {
    const pre = Object.entries(PRE_PATTERNS).find(([, p]) => p.pattern === tokenizer.model.pattern && p.ignoreMerges === tokenizer.model.ignoreMerges)?.[0];
    if (pre === undefined) {
        throw new ConfigError("tokenizer", "its pre-tokenizer regex is not one llama.cpp knows by name (llama-bpe, gpt-2); it cannot be written to GGUF");
    }
    const type = new Map(tokenizer.model.added.map((t) => [t.id, t.special ? PieceType.CONTROL : PieceType.USER_DEFINED]));
    return {
        model: "gpt2", pre, merges: tokenizer.model.merges.map(([a, b]) => `${a} ${b}`),
        pieces: tokenizer.model.tokens.map((piece, id) => ({ piece, score: 0, type: type.get(id) ?? PieceType.NORMAL })),
        bosId: tokenizer.bosId, eosId: tokenizer.eosId, unkId: -1, padId: tokenizer.padId,
    };
}
