/**
 * LLaMA-2's tokenizer rebuilt from the vocabulary and merge list that llama-tokenizer-js carries (the real 32000
 * pieces), as a Hugging Face tokenizer.json. Used by the parity test and by bench:tokenizer (which also writes it
 * as a tokenizer.model for python3-sentencepiece). Test and bench code only: llama-tokenizer-js is a devDependency.
 */
import llamaTokenizer from "llama-tokenizer-js";
import type { SentencePieceModel } from "../../src/tokenizer/sentencepieceModel.js";
import { parseTokenizerJson } from "../../src/tokenizer/tokenizerJson.js";

export function llama2TokenizerJson(): string {
    const vocab: Record<string, number> = {};
    llamaTokenizer.vocabById.forEach((piece, id) => {
        vocab[piece] = id;
    });
    // merges maps "left right" to its priority; tokenizer.json lists them by priority.
    const merges = [...llamaTokenizer.merges.entries()].sort((a, b) => a[1] - b[1]).map(([pair]) => pair);
    return JSON.stringify({
        added_tokens: [
            { id: 0, content: "<unk>", special: true },
            { id: 1, content: "<s>", special: true },
            { id: 2, content: "</s>", special: true },
        ],
        model: { type: "BPE", unk_token: "<unk>", byte_fallback: true, vocab, merges },
    });
}

export function llama2Model(): SentencePieceModel {
    return parseTokenizerJson(llama2TokenizerJson(), "llama2/tokenizer.json");
}
