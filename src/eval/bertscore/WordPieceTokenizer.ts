/**
 * BERT's tokenizer (Hugging Face BertTokenizer, the original tokenization.py): BasicTokenizer (drop NUL, U+FFFD
 * and control characters, map whitespace to spaces, put spaces around CJK ideographs, split on whitespace, for
 * uncased models lowercase and strip accents (NFD, drop Mn), split off every punctuation character), then
 * WordPiece (greedy longest match first, "##" continuation pieces, [UNK] for a word with no segmentation or
 * longer than 100 characters). The vocabulary comes from vocab.txt (one piece per line, id = line index) or a
 * tokenizer.json WordPiece model; case handling from tokenizer_config.json's do_lower_case, else tokenizer.json's
 * BertNormalizer, else BertTokenizer's default (lowercase).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { FormatError } from "../../errors/MellamaError.js";

const MAX_VOCAB_FILE_BYTES = 64 * 1024 * 1024;
const MAX_WORD_CHARS = 100;

export class WordPieceTokenizer {
    public readonly clsId: number;
    public readonly sepId: number;
    public readonly unkId: number;

    public constructor(private readonly vocab: ReadonlyMap<string, number>, public readonly lowercase: boolean, source = "<vocab>") {
        const need = (piece: string): number => {
            const id = vocab.get(piece);
            if (id === undefined) {
                throw new FormatError(source, piece, "the vocabulary has no such special token");
            }
            return id;
        };
        this.clsId = need("[CLS]");
        this.sepId = need("[SEP]");
        this.unkId = need("[UNK]");
    }

    public get vocabSize(): number {
        return this.vocab.size;
    }

    /** vocab.txt or tokenizer.json from a Hugging Face BERT directory. */
    public static load(dir: string): WordPieceTokenizer {
        const vocabTxt = join(dir, "vocab.txt");
        const tokJson = join(dir, "tokenizer.json");
        let vocab: Map<string, number>;
        let jsonLower: boolean | undefined;
        if (existsSync(vocabTxt)) {
            vocab = new Map();
            readSmall(vocabTxt).split(/\r?\n/u).forEach((line, i, all) => {
                if (!(line === "" && i === all.length - 1) && !vocab.has(line)) {
                    vocab.set(line, i);
                }
            });
        } else if (existsSync(tokJson)) {
            const json = parseJson(tokJson) as { model?: { type?: string; vocab?: Record<string, number> };
                normalizer?: { type?: string; lowercase?: boolean }; };
            if (json.model?.type !== "WordPiece" || json.model.vocab === undefined) {
                throw new FormatError(tokJson, "model.type", "is not a WordPiece tokenizer (BERTScore here needs a BERT tokenizer)");
            }
            vocab = new Map(Object.entries(json.model.vocab));
            jsonLower = json.normalizer?.type === "BertNormalizer" ? json.normalizer.lowercase : undefined;
        } else {
            throw new FormatError(dir, "vocab.txt", "no vocab.txt or tokenizer.json in the BERT directory");
        }
        const configPath = join(dir, "tokenizer_config.json");
        const configLower = existsSync(configPath) ? (parseJson(configPath) as { do_lower_case?: unknown }).do_lower_case : undefined;
        const lowercase = typeof configLower === "boolean" ? configLower : jsonLower ?? true;
        return new WordPieceTokenizer(vocab, lowercase, dir);
    }

    /** The BasicTokenizer words of a text. */
    public basicTokens(text: string): string[] {
        let clean = "";
        for (const ch of text) {
            const cp = ch.codePointAt(0)!;
            if (cp === 0 || cp === 0xfffd || isControl(ch)) {
                continue;
            }
            clean += isWhitespace(ch) ? " " : isCjk(cp) ? ` ${ch} ` : ch;
        }
        const out: string[] = [];
        for (let word of clean.split(" ")) {
            if (word === "") {
                continue;
            }
            if (this.lowercase) {
                word = word.toLowerCase().normalize("NFD").replace(/\p{Mn}/gu, "");
            }
            let current = "";
            for (const ch of word) {
                if (isPunctuation(ch)) {
                    if (current !== "") {
                        out.push(current);
                    }
                    out.push(ch);
                    current = "";
                } else {
                    current += ch;
                }
            }
            if (current !== "") {
                out.push(current);
            }
        }
        return out;
    }

    /** WordPiece ids of a text, without special tokens. */
    public encode(text: string): number[] {
        const ids: number[] = [];
        for (const word of this.basicTokens(text)) {
            const chars = [...word];
            if (chars.length > MAX_WORD_CHARS) {
                ids.push(this.unkId);
                continue;
            }
            const pieces: number[] = [];
            let start = 0;
            let bad = false;
            while (start < chars.length) {
                let end = chars.length;
                let found: number | undefined;
                while (start < end) {
                    const sub = (start > 0 ? "##" : "") + chars.slice(start, end).join("");
                    found = this.vocab.get(sub);
                    if (found !== undefined) {
                        break;
                    }
                    end--;
                }
                if (found === undefined) {
                    bad = true;
                    break;
                }
                pieces.push(found);
                start = end;
            }
            ids.push(...(bad ? [this.unkId] : pieces));
        }
        return ids;
    }

    /** [CLS] text [SEP], the text's pieces cut to fit maxLength (bert-score: truncation to model_max_length). */
    public encodeForModel(text: string, maxLength: number): number[] {
        return [this.clsId, ...this.encode(text).slice(0, Math.max(0, maxLength - 2)), this.sepId];
    }
}

function readSmall(path: string): string {
    if (statSync(path).size > MAX_VOCAB_FILE_BYTES) {
        throw new FormatError(path, "file", `larger than ${MAX_VOCAB_FILE_BYTES} bytes, not a tokenizer file`);
    }
    return readFileSync(path, "utf8");
}

function parseJson(path: string): unknown {
    try {
        return JSON.parse(readSmall(path));
    } catch (error) {
        if (error instanceof FormatError) {
            throw error;
        }
        throw new FormatError(path, "file", "is not valid JSON");
    }
}

function isWhitespace(ch: string): boolean {
    return ch === " " || ch === "\t" || ch === "\n" || ch === "\r" || /\p{Zs}/u.test(ch);
}

function isControl(ch: string): boolean {
    return ch !== "\t" && ch !== "\n" && ch !== "\r" && /\p{C}/u.test(ch);
}

/** ASCII non-alphanumerics count as punctuation (as BERT does: "^", "$", "`"), and Unicode P*. */
function isPunctuation(ch: string): boolean {
    const cp = ch.codePointAt(0)!;
    return (cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126) || /\p{P}/u.test(ch);
}

function isCjk(cp: number): boolean {
    return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x20000 && cp <= 0x2a6df) || (cp >= 0x2a700 && cp <= 0x2b73f)
        || (cp >= 0x2b740 && cp <= 0x2b81f) || (cp >= 0x2b820 && cp <= 0x2ceaf) || (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0x2f800 && cp <= 0x2fa1f);
}
