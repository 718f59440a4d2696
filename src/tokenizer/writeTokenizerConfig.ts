/**
 * Writes tokenizer_config.json for a model or adapter directory: the source's own file (kept key for key) when
 * there is one, else the LLaMA defaults saveTokenizer writes, with `model_max_length` set to the model's real
 * context and `chat_template` set to the template the weights were tuned on (kept from the source when not given).
 * transformers, vLLM, TGI and llama.cpp's converter read both keys from here. Written atomically.
 */
import { existsSync, readFileSync } from "node:fs";
import { FormatError } from "../errors/MellamaError.js";
import { atomicWriteFileSync } from "../util/atomicWrite.js";

export interface TokenizerConfigOptions {
    /** The tokenizer_config.json to start from (a base model's); absent or missing: defaults. */
    from?: string;
    /** The model's context length (config.json max_position_embeddings). */
    modelMaxLength: number;
    chatTemplate?: string;
    bosToken?: string;
    eosToken?: string;
    /** For the defaults: LlamaTokenizer (SentencePiece) unless given (PreTrainedTokenizerFast for byte-level BPE). */
    tokenizerClass?: string;
}

export function writeTokenizerConfig(out: string, { from, modelMaxLength, chatTemplate, bosToken, eosToken, tokenizerClass = "LlamaTokenizer" }: TokenizerConfigOptions): void {
    let config: Record<string, unknown> = {
        tokenizer_class: tokenizerClass, add_bos_token: true, add_eos_token: false, clean_up_tokenization_spaces: false,
        ...(bosToken === undefined ? {} : { bos_token: bosToken }), ...(eosToken === undefined ? {} : { eos_token: eosToken }),
    };
    if (from !== undefined && existsSync(from)) {
        let parsed: unknown;
        try {
            parsed = JSON.parse(readFileSync(from, "utf8"));
        } catch {
            throw new FormatError(from, "json", "is not valid JSON");
        }
        if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
            throw new FormatError(from, "json", "must be an object");
        }
        config = parsed as Record<string, unknown>;
    }
    config.model_max_length = modelMaxLength;
    if (chatTemplate !== undefined) {
        config.chat_template = chatTemplate;
    }
    atomicWriteFileSync(out, `${JSON.stringify(config, null, 2)}\n`);
}
