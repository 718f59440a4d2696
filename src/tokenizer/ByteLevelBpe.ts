/**
 * Byte-level BPE as LLaMA-3 (and GPT-2) use it, read from a Hugging Face tokenizer.json (model.type "BPE" with a
 * ByteLevel pre-tokenizer), re-derived from the published algorithm (GPT-2's encoder.py, Hugging Face tokenizers'
 * BPE model):
 *
 * 1. added tokens (`added_tokens`, e.g. `<|begin_of_text|>`, `<|eot_id|>`) are cut out of the text first, leftmost,
 *    longest first, and become their ids;
 * 2. the rest is split by the pre-tokenizer's regex (LLaMA-3: contractions, letter runs with one leading non-letter,
 *    1-3 digits, punctuation runs, newlines, spaces; `Split` with behavior Isolated, or ByteLevel's own GPT-2 regex);
 * 3. each piece's UTF-8 bytes are mapped to printable characters (bytes_to_unicode: printable Latin-1 bytes stand for
 *    themselves, the other 68 bytes for U+0100 onwards);
 * 4. a piece that is itself in the vocabulary is one token when `ignore_merges` is set (LLaMA-3); otherwise the
 *    adjacent pair with the lowest merge rank is merged, leftmost first, until no pair has a rank.
 *
 * Decoding maps the characters back to bytes and decodes UTF-8 (one U+FFFD per invalid byte, as TextDecoder does);
 * special added tokens produce nothing, as skip_special_tokens does.
 *
 * Regex differences from the Oniguruma/Rust engines tokenizers uses are handled by translation: JavaScript has no
 * inline `(?i:...)` (its letters become [xX] classes) and its `\s` differs from Unicode White_Space (U+0085 in, U+FEFF
 * out), so `\s`/`\S` become that explicit class.
 */
import { createHash } from "node:crypto";
import { FormatError } from "../errors/MellamaError.js";
import { TokenIdError } from "../errors/TokenIdError.js";
import type { Tokenizer } from "./Tokenizer.js";

export interface ByteLevelAddedToken {
    id: number;
    content: string;
    special: boolean;
}

/** What tokenizer.json holds for a byte-level BPE tokenizer (and what GGUF's gpt2 tokenizer keys carry). */
export interface ByteLevelBpeModel {
    /** Token strings by id (byte-level characters for normal tokens, the literal content for added ones). */
    tokens: string[];
    /** Merges in rank order, each a pair of token strings. */
    merges: [string, string][];
    added: ByteLevelAddedToken[];
    /** The pre-tokenizer's regex source, as tokenizer.json writes it. */
    pattern: string;
    /** A piece already in the vocabulary is one token (LLaMA-3); false: always merged pair by pair (GPT-2). */
    ignoreMerges: boolean;
    bosId: number;
    eosId: number;
    padId: number | null;
}

/** LLaMA-3's pre-tokenizer regex (tokenizer.json pre_tokenizer Split pattern; tiktoken's cl100k_base pattern). */
export const LLAMA3_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
/** GPT-2's, used by a ByteLevel pre-tokenizer with use_regex. */
export const GPT2_PATTERN = "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

/** Unicode White_Space, what \s means to the regex engines of tokenizers (JavaScript's \s differs at U+0085 and U+FEFF). */
const WHITE_SPACE = "\\t\\n\\v\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";

/** The pattern as a JavaScript regex with the same matches (see the header); unsupported constructs are refused. */
export function translatePattern(source: string): RegExp {
    let out = "";
    let inClass = false;
    let caseless = 0;
    const groups: boolean[] = [];
    for (let i = 0; i < source.length; i++) {
        const c = source[i]!;
        if (c === "\\") {
            const next = source[i + 1] ?? "";
            i++;
            if (next === "s") {
                out += inClass ? WHITE_SPACE : `[${WHITE_SPACE}]`;
            } else if (next === "S") {
                if (inClass) {
                    throw new SyntaxError("\\S inside a character class");
                }
                out += `[^${WHITE_SPACE}]`;
            } else if (next === "p" || next === "P") {
                const close = source.indexOf("}", i);
                out += `\\${next}${source.slice(i + 1, close + 1)}`;
                i = close;
            } else {
                out += `\\${next}`;
            }
        } else if (inClass) {
            inClass = c !== "]";
            out += c;
        } else if (c === "[") {
            inClass = true;
            out += c;
        } else if (c === "(" && source.startsWith("(?i:", i)) {
            groups.push(true);
            caseless++;
            out += "(?:";
            i += 3;
        } else if (c === "(") {
            groups.push(false);
            out += c;
        } else if (c === ")") {
            if (groups.pop() === true) {
                caseless--;
            }
            out += c;
        } else if (caseless > 0 && /[a-zA-Z]/.test(c)) {
            out += `[${c.toLowerCase()}${c.toUpperCase()}]`;
        } else {
            out += c;
        }
    }
    return new RegExp(out, "gu");
}

/** GPT-2's bytes_to_unicode: byte → the character that stands for it in token strings. */
export function byteToUnicode(): string[] {
    const chars = new Array<string>(256);
    let extra = 0;
    for (let b = 0; b < 256; b++) {
        const printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
        chars[b] = String.fromCodePoint(printable ? b : 256 + extra++);
    }
    return chars;
}

function escapeRegex(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export class ByteLevelBpe implements Tokenizer {
    public readonly kind = "byte-level-bpe";
    public readonly vocabSize: number;
    public readonly bosId: number;
    public readonly eosId: number;
    public readonly padId: number | null;
    /** Byte-level BPE has no unknown token (every byte is a token); -1. */
    public readonly unkId = -1;
    public readonly hash: string;
    public readonly model: ByteLevelBpeModel;
    private readonly byId: string[];
    private readonly ids = new Map<string, number>();
    private readonly ranks = new Map<string, number>();
    private readonly special: Set<number>;
    private readonly splitter: RegExp;
    private readonly addedSplitter: RegExp | null;
    private readonly addedIds = new Map<string, number>();
    private readonly byteChars = byteToUnicode();
    private readonly charBytes = new Map<string, number>();
    private readonly cache = new Map<string, number[]>();

    public constructor(model: ByteLevelBpeModel) {
        this.model = model;
        this.byId = model.tokens;
        this.vocabSize = model.tokens.length;
        this.bosId = model.bosId;
        this.eosId = model.eosId;
        this.padId = model.padId;
        model.tokens.forEach((t, id) => {
            if (!this.ids.has(t)) {
                this.ids.set(t, id);
            }
        });
        model.merges.forEach(([a, b], rank) => {
            const key = `${a} ${b}`;
            if (!this.ranks.has(key)) {
                this.ranks.set(key, rank);
            }
        });
        this.byteChars.forEach((c, b) => this.charBytes.set(c, b));
        for (const t of model.added) {
            this.addedIds.set(t.content, t.id);
        }
        this.special = new Set(model.added.filter((t) => t.special).map((t) => t.id));
        const added = [...this.addedIds.keys()].sort((a, b) => b.length - a.length);
        this.addedSplitter = added.length === 0 ? null : new RegExp(added.map(escapeRegex).join("|"), "g");
        this.splitter = translatePattern(model.pattern);
        const h = createHash("sha256");
        h.update(`byte-level-bpe\n${model.pattern}\n`);
        h.update(model.tokens.join("\n"));
        h.update("\n");
        h.update(model.merges.map(([a, b]) => `${a} ${b}`).join("\n"));
        this.hash = h.digest("hex").slice(0, 16);
    }

    public encode(text: string, options: { bos?: boolean; eos?: boolean } = {}): number[] {
        const out: number[] = options.bos ? [this.bosId] : [];
        let at = 0;
        if (this.addedSplitter !== null) {
            for (const m of text.matchAll(this.addedSplitter)) {
                this.encodeOrdinary(text.slice(at, m.index), out);
                out.push(this.addedIds.get(m[0])!);
                at = m.index + m[0].length;
            }
        }
        this.encodeOrdinary(text.slice(at), out);
        if (options.eos) {
            out.push(this.eosId);
        }
        return out;
    }

    /** Text without added tokens: pre-tokenized, each piece byte-mapped and merged. */
    private encodeOrdinary(text: string, out: number[]): void {
        let at = 0;
        for (const m of text.matchAll(this.splitter)) {
            if (m.index > at) {
                this.encodePiece(text.slice(at, m.index), out);
            }
            if (m[0].length > 0) {
                this.encodePiece(m[0], out);
            }
            at = m.index + m[0].length;
        }
        if (at < text.length) {
            this.encodePiece(text.slice(at), out);
        }
    }

    private encodePiece(piece: string, out: number[]): void {
        const cached = this.cache.get(piece);
        if (cached !== undefined) {
            out.push(...cached);
            return;
        }
        let word = "";
        for (const b of Buffer.from(piece, "utf8")) {
            word += this.byteChars[b]!;
        }
        const ids = this.bpe(word);
        if (this.cache.size >= 1 << 16) {
            this.cache.clear();
        }
        this.cache.set(piece, ids);
        out.push(...ids);
    }

    /** The merges of one byte-mapped word, lowest rank first, leftmost on ties. */
    private bpe(word: string): number[] {
        const whole = this.ids.get(word);
        if (this.model.ignoreMerges && whole !== undefined) {
            return [whole];
        }
        const symbols = [...word];
        for (;;) {
            let best = -1;
            let bestRank = Infinity;
            for (let i = 0; i + 1 < symbols.length; i++) {
                const rank = this.ranks.get(`${symbols[i]} ${symbols[i + 1]}`);
                if (rank !== undefined && rank < bestRank) {
                    bestRank = rank;
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            symbols.splice(best, 2, symbols[best]! + symbols[best + 1]!);
        }
        return symbols.map((s) => {
            const id = this.ids.get(s);
            if (id === undefined) {
                throw new FormatError("tokenizer", "model.vocab", `has no token for the byte-level symbol U+${s.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`);
            }
            return id;
        });
    }

    public decode(ids: readonly number[]): string {
        const bytes: number[] = [];
        for (const id of ids) {
            if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
                throw new TokenIdError(id, this.vocabSize);
            }
            if (this.special.has(id)) {
                continue;
            }
            const token = this.byId[id]!;
            if (this.addedIds.get(token) === id) {
                bytes.push(...Buffer.from(token, "utf8"));
                continue;
            }
            for (const c of token) {
                const b = this.charBytes.get(c);
                if (b === undefined) {
                    bytes.push(...Buffer.from(c, "utf8"));
                } else {
                    bytes.push(b);
                }
            }
        }
        return new TextDecoder("utf-8").decode(Uint8Array.from(bytes));
    }

    public idToPiece(id: number): string {
        const t = this.byId[id];
        if (t === undefined) {
            throw new TokenIdError(id, this.vocabSize);
        }
        return t;
    }

    public pieceToId(piece: string): number | undefined {
        return this.ids.get(piece);
    }

    /** Whether the id is a special (control) token: BOS, EOS, header and reserved tokens. */
    public isSpecial(id: number): boolean {
        return this.special.has(id);
    }
}
