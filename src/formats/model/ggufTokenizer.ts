/**
 * The one tokenizer for a GGUF vocabulary (tokenizer.ggml.model "llama"): LLaMA-2 SentencePiece BPE with byte
 * fallback when the vocabulary has byte pieces, a dummy prefix, no normalization. Digits are not split: llama.cpp,
 * whose file this is, never splits them (LLaMA-2's vocabulary has no multi-digit pieces, so for it both agree).
 * Export to a Hugging Face directory writes this same model as tokenizer.model.
 */
import type { SentencePieceModel } from "../../tokenizer/sentencepieceModel.js";
import { PieceType } from "../../tokenizer/Tokenizer.js";
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
