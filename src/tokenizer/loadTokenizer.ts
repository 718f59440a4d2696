/**
 * Loads a tokenizer from a directory (tokenizer.model, else tokenizer.json) or a file of either kind, with
 * typed errors naming the file and the field for anything malformed.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
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

export function loadTokenizer(path: string): SentencePieceBpe {
    const file = tokenizerFileOf(path);
    const size = statSync(file).size;
    if (size > MAX_TOKENIZER_BYTES) {
        throw new FormatError(file, "size", `${size} bytes is more than any tokenizer file`);
    }
    const bytes = readFileSync(file);
    if (file.endsWith(".json")) {
        return new SentencePieceBpe(parseTokenizerJson(bytes.toString("utf8"), file));
    }
    return new SentencePieceBpe(parseSentencePieceModel(bytes, file));
}
