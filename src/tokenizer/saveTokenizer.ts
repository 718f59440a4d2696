/**
 * Writes a tokenizer in both formats other tools read: tokenizer.model (SentencePiece, loadable by
 * sentencepiece and transformers' LlamaTokenizer) and tokenizer.json + tokenizer_config.json +
 * special_tokens_map.json (transformers' LlamaTokenizerFast). Files are written atomically.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { atomicWriteFileSync } from "../util/atomicWrite.js";
import { serializeSentencePieceModel, type SentencePieceModel } from "./sentencepieceModel.js";
import { toTokenizerJson } from "./tokenizerJson.js";

/** `modelMaxLength`: the context of the model the tokenizer goes with (omitted for a tokenizer alone, as transformers does). */
export function saveTokenizer(dir: string, model: SentencePieceModel, chatTemplate?: string, modelMaxLength?: number): string[] {
    mkdirSync(dir, { recursive: true });
    const piece = (id: number): string => model.pieces[id]?.piece ?? "";
    const files = {
        "tokenizer.model": serializeSentencePieceModel(model),
        "tokenizer.json": toTokenizerJson(model),
        "tokenizer_config.json": JSON.stringify({
            tokenizer_class: "LlamaTokenizer", ...(modelMaxLength === undefined ? {} : { model_max_length: modelMaxLength }), add_bos_token: true, add_eos_token: false,
            bos_token: piece(model.trainer.bosId), eos_token: piece(model.trainer.eosId), unk_token: piece(model.trainer.unkId),
            pad_token: null, clean_up_tokenization_spaces: false, legacy: true, sp_model_kwargs: {},
            ...(chatTemplate === undefined ? {} : { chat_template: chatTemplate }),
        }, null, 2),
        "special_tokens_map.json": JSON.stringify({ bos_token: piece(model.trainer.bosId), eos_token: piece(model.trainer.eosId), unk_token: piece(model.trainer.unkId) }, null, 2),
    };
    return Object.entries(files).map(([name, content]) => {
        const path = join(dir, name);
        atomicWriteFileSync(path, content);
        return path;
    });
}
