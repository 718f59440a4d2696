/**
 * tokenizer.json of a byte-level BPE tokenizer (LLaMA-3, GPT-2 style) read into a ByteLevelBpeModel, and written
 * from one. Accepted: model.type "BPE"; no normalizer; a pre-tokenizer that is ByteLevel with its GPT-2 regex, or a
 * Sequence of Split (a Regex, behavior Isolated) and ByteLevel without regex (LLaMA-3). Anything else is refused
 * naming the field, so a tokenizer is never run with a pre-tokenizer it does not have. BOS/EOS come from
 * tokenizer_config.json's bos_token/eos_token when given, else from the names LLaMA-3 and GPT-2 use.
 */
import { FormatError } from "../errors/MellamaError.js";
import { type ByteLevelAddedToken, type ByteLevelBpeModel, byteToUnicode, GPT2_PATTERN, translatePattern } from "./ByteLevelBpe.js";

/** Whether a parsed tokenizer.json is byte-level (its pre-tokenizer or decoder is ByteLevel). */
export function isByteLevelTokenizerJson(json: Record<string, unknown>): boolean {
    return ["pre_tokenizer", "decoder"].some((f) => JSON.stringify(json[f] ?? null).includes("\"ByteLevel\""));
}

function patternOf(pre: unknown, file: string): string {
    const p = pre as { type?: unknown; use_regex?: unknown; pretokenizers?: unknown[] } | null;
    if (p?.type === "ByteLevel") {
        if (p.use_regex === false) {
            throw new FormatError(file, "pre_tokenizer", "is ByteLevel without a regex and no Split before it; pieces would be whole texts");
        }
        return GPT2_PATTERN;
    }
    if (p?.type === "Sequence" && Array.isArray(p.pretokenizers) && p.pretokenizers.length === 2) {
        const [split, byteLevel] = p.pretokenizers as { type?: unknown; pattern?: { Regex?: unknown };
            behavior?: unknown; invert?: unknown; use_regex?: unknown; }[];
        if (split?.type === "Split" && typeof split.pattern?.Regex === "string" && split.behavior === "Isolated" && split.invert !== true
            && byteLevel?.type === "ByteLevel" && byteLevel.use_regex === false) {
            return split.pattern.Regex;
        }
    }
    throw new FormatError(file, "pre_tokenizer", `${JSON.stringify(pre).slice(0, 80)} is not supported (ByteLevel, or Split(Regex, Isolated) + ByteLevel)`);
}

function tokenName(value: unknown): string | undefined {
    if (typeof value === "string") {
        return value;
    }
    const content = (value as { content?: unknown } | null)?.content;
    return typeof content === "string" ? content : undefined;
}

export function parseByteLevelTokenizerJson(json: Record<string, unknown>, file: string, tokenizerConfig: Record<string, unknown> = {}): ByteLevelBpeModel {
    const model = json.model as Record<string, unknown> | null | undefined;
    if (model === undefined || model === null || typeof model !== "object") {
        throw new FormatError(file, "model", "missing");
    }
    if (model.type !== "BPE") {
        throw new FormatError(file, "model.type", `"${String(model.type)}" is not supported (byte-level BPE only)`);
    }
    if (json.normalizer !== undefined && json.normalizer !== null) {
        throw new FormatError(file, "normalizer", "is set; byte-level BPE tokenizers of the LLaMA-3 kind have none");
    }
    const pattern = patternOf(json.pre_tokenizer, file);
    try {
        translatePattern(pattern);
    } catch (error) {
        throw new FormatError(file, "pre_tokenizer", `its regex is not supported (${(error as Error).message})`);
    }
    const vocab = model.vocab as Record<string, unknown> | null | undefined;
    if (vocab === undefined || vocab === null || typeof vocab !== "object" || Array.isArray(vocab)) {
        throw new FormatError(file, "model.vocab", "must be an object of token → id");
    }
    const added = Array.isArray(json.added_tokens) ? json.added_tokens.map((t: unknown, i): ByteLevelAddedToken => {
        const o = t as { id?: unknown; content?: unknown; special?: unknown } | null;
        if (typeof o?.id !== "number" || !Number.isInteger(o.id) || o.id < 0 || o.id > 16_777_216 || typeof o.content !== "string" || o.content === "") {
            throw new FormatError(file, `added_tokens[${i}]`, "must be {id: a non-negative integer, content: a non-empty string}");
        }
        return { id: o.id, content: o.content, special: o.special === true };
    }) : [];
    const entries = Object.entries(vocab);
    const size = Math.max(entries.length, ...added.map((t) => t.id + 1));
    if (size > 16_777_216) {
        throw new FormatError(file, "model.vocab", `${size} tokens is more than any vocabulary`);
    }
    const tokens = new Array<string | undefined>(size);
    for (const [token, id] of entries) {
        if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id >= size) {
            throw new FormatError(file, `model.vocab["${token.slice(0, 40)}"]`, `id ${String(id)} is not in 0..${size - 1}`);
        }
        if (tokens[id] !== undefined) {
            throw new FormatError(file, "model.vocab", `id ${id} is used twice`);
        }
        tokens[id] = token;
    }
    for (const t of added) {
        if (tokens[t.id] !== undefined && tokens[t.id] !== t.content) {
            throw new FormatError(file, `added_tokens (id ${t.id})`, "names a different token than model.vocab");
        }
        tokens[t.id] = t.content;
    }
    const missing = tokens.findIndex((t) => t === undefined);
    if (missing >= 0) {
        throw new FormatError(file, "model.vocab", `no token has id ${missing}`);
    }
    const known = new Set(tokens as string[]);
    const absent = byteToUnicode().find((c) => !known.has(c));
    if (absent !== undefined) {
        throw new FormatError(file, "model.vocab", `lacks the byte-level token for U+${absent.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}; not a byte-level vocabulary`);
    }
    if (!Array.isArray(model.merges)) {
        throw new FormatError(file, "model.merges", "must be an array");
    }
    const merges = model.merges.map((m: unknown, rank): [string, string] => {
        const pair = typeof m === "string" ? m.split(" ") : m;
        if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string" || typeof pair[1] !== "string") {
            throw new FormatError(file, `model.merges[${rank}]`, "is not a pair of tokens");
        }
        return [pair[0], pair[1]];
    });
    const idOf = (names: (string | undefined)[]): number => {
        for (const name of names) {
            const id = name === undefined ? -1 : (tokens as string[]).indexOf(name);
            if (id >= 0) {
                return id;
            }
        }
        return -1;
    };
    const bosId = idOf([tokenName(tokenizerConfig.bos_token), "<|begin_of_text|>", "<s>", "<|endoftext|>"]);
    const eosId = idOf([tokenName(tokenizerConfig.eos_token), "<|end_of_text|>", "</s>", "<|endoftext|>"]);
    if (bosId < 0 || eosId < 0) {
        throw new FormatError(file, "added_tokens", "no BOS or no EOS token (tokenizer_config.json bos_token/eos_token, or <|begin_of_text|>/<|end_of_text|>)");
    }
    const padName = tokenName(tokenizerConfig.pad_token);
    const padId = padName === undefined ? -1 : idOf([padName]);
    return { tokens: tokens as string[], merges, added, pattern, ignoreMerges: model.ignore_merges === true, bosId, eosId, padId: padId >= 0 ? padId : null };
}

/** tokenizer.json in the layout of meta-llama/Meta-Llama-3-8B's. */
export function toByteLevelTokenizerJson(model: ByteLevelBpeModel): string {
    const addedIds = new Set(model.added.map((t) => t.id));
    const vocab: Record<string, number> = {};
    model.tokens.forEach((t, id) => {
        if (!addedIds.has(id)) {
            vocab[t] = id;
        }
    });
    return JSON.stringify({
        version: "1.0", truncation: null, padding: null,
        added_tokens: model.added.map((t) => ({ id: t.id, content: t.content, single_word: false, lstrip: false,
            rstrip: false, normalized: false, special: t.special })),
        normalizer: null,
        pre_tokenizer: { type: "Sequence", pretokenizers: [{ type: "Split", pattern: { Regex: model.pattern }, behavior: "Isolated", invert: false },
            { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: false }] },
        post_processor: { type: "ByteLevel", add_prefix_space: true, trim_offsets: false, use_regex: true },
        decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
        model: { type: "BPE", dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false,
            ignore_merges: model.ignoreMerges, vocab, merges: model.merges.map(([a, b]) => `${a} ${b}`) },
    });
}
