/**
 * Loads a tokenizer from a directory (tokenizer.model, else tokenizer.json) or a file of either kind (a byte-level
 * tokenizer.json, LLaMA-3's, becomes a ByteLevelBpe), with
 * typed errors naming the file and the field for anything malformed.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { ByteLevelBpe } from "./ByteLevelBpe.js";
import { isByteLevelTokenizerJson, parseByteLevelTokenizerJson } from "./byteLevelTokenizerJson.js";
import { FormatError } from "../errors/MellamaError.js";
import { parseSentencePieceModel } from "./sentencepieceModel.js";
import { SentencePieceBpe } from "./SentencePieceBpe.js";
import { parseTokenizerJson } from "./tokenizerJson.js";

/** Tokenizer files above this size are refused before reading (LLaMA-2's tokenizer.json is ~1.8 MB). */
const MAX_TOKENIZER_BYTES = 512 * 1024 * 1024;

export function tokenizerFileOf(path: string): string {
    if (existsSync(path) && statSync(path).isDirectory()) {
        for (const name of ["tokenizer.model", "tokenizer.json"]) {
            if (existsSync(join(path, name))) {
                return join(path, name);
            }
        }
        throw new FormatError(path, "tokenizer", "no tokenizer.model or tokenizer.json in this directory");
    }
    if (!existsSync(path)) {
        throw new FormatError(path, "tokenizer", "no such file");
    }
    return path;
}

/** A tokenizer mellama reads: LLaMA-2's SentencePiece BPE, or LLaMA-3's byte-level BPE (from tokenizer.json). */
export type LoadedTokenizer = SentencePieceBpe | ByteLevelBpe;

/** tokenizer_config.json beside a tokenizer file, for the byte-level BOS/EOS names ({} when absent or unreadable as an object). */
function tokenizerConfigBeside(file: string): Record<string, unknown> {
    const config = join(dirname(file), "tokenizer_config.json");
    if (!existsSync(config) || statSync(config).size > 64 * 1024 * 1024) {
        return {};
    }
    try {
        const value: unknown = JSON.parse(readFileSync(config, "utf8"));
        return value !== null && typeof value === "object" && !Array.isArray(value) ? value as Record<string, unknown> : {};
    } catch {
        throw new FormatError(config, "json", "is not valid JSON");
    }
}

export function loadTokenizer(path: string): LoadedTokenizer {
    const file = tokenizerFileOf(path);
    const size = statSync(file).size;
    if (size > MAX_TOKENIZER_BYTES) {
        throw new FormatError(file, "size", `${size} bytes is more than any tokenizer file`);
    }
    const bytes = readFileSync(file);
    if (file.endsWith(".json")) {
        const text = bytes.toString("utf8");
        let json: unknown;
        try {
            json = JSON.parse(text);
        } catch {
            throw new FormatError(file, "json", "is not valid JSON");
        }
        if (json !== null && typeof json === "object" && !Array.isArray(json) && isByteLevelTokenizerJson(json as Record<string, unknown>)) {
            return new ByteLevelBpe(parseByteLevelTokenizerJson(json as Record<string, unknown>, file, tokenizerConfigBeside(file)));
        }
        return new SentencePieceBpe(parseTokenizerJson(text, file));
    }
    return new SentencePieceBpe(parseSentencePieceModel(bytes, file));
}

/** A SentencePiece tokenizer (LLaMA-2's), for callers that need its pieces; a byte-level one is refused by name. */
export function loadSentencePieceTokenizer(path: string): SentencePieceBpe {
    const tokenizer = loadTokenizer(path);
    if (!(tokenizer instanceof SentencePieceBpe)) {
        throw new FormatError(tokenizerFileOf(path), "model", "is a byte-level BPE tokenizer, not SentencePiece");
    }
    return tokenizer;
}
