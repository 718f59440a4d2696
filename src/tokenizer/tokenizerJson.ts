/**
 * Hugging Face tokenizer.json for LLaMA-style tokenizers (model.type "BPE" with byte_fallback, the
 * Prepend("▁") + Replace(" ", "▁") normalizer) read into the same SentencePiece model the .model reader builds,
 * and written from it. The BPE merges of tokenizer.json are implied by the piece scores (a merge's rank is its
 * result's score order), so reading uses the vocabulary ids and the merge ranks as scores.
 */
import { FormatError } from "../errors/MellamaError.js";
import type { SentencePieceModel } from "./sentencepieceModel.js";
import { type Piece, PieceType } from "./Tokenizer.js";

interface AddedToken {
    id: number;
    content: string;
    special: boolean;
}

export function parseTokenizerJson(text: string, file: string): SentencePieceModel {
    let json: Record<string, unknown>;
    try {
        json = JSON.parse(text) as Record<string, unknown>;
    } catch {
        throw new FormatError(file, "json", "is not valid JSON");
    }
    const model = json.model as Record<string, unknown> | undefined;
    if (model === undefined || model === null || typeof model !== "object") {
        throw new FormatError(file, "model", "missing");
    }
    if (model.type !== "BPE") {
        throw new FormatError(file, "model.type", `"${String(model.type)}" is not BPE`);
    }
    // GPT-2-style byte-level BPE shares model.type "BPE" but maps bytes to printable characters; read as
    // SentencePiece BPE it would encode silently wrong, so it is refused by name.
    for (const field of ["pre_tokenizer", "decoder"]) {
        if (JSON.stringify(json[field] ?? null).includes("\"ByteLevel\"")) {
            throw new FormatError(file, field, "is ByteLevel (GPT-2-style byte-level BPE), not LLaMA's SentencePiece BPE");
        }
    }
    const vocab = model.vocab as Record<string, unknown> | undefined;
    if (vocab === undefined || vocab === null || typeof vocab !== "object" || Array.isArray(vocab)) {
        throw new FormatError(file, "model.vocab", "must be an object of piece → id");
    }
    const entries = Object.entries(vocab);
    const pieces: (Piece | undefined)[] = new Array<Piece | undefined>(entries.length);
    for (const [piece, id] of entries) {
        if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id >= entries.length) {
            throw new FormatError(file, `model.vocab["${piece.slice(0, 40)}"]`, `id ${String(id)} is not in 0..${entries.length - 1}`);
        }
        if (pieces[id] !== undefined) {
            throw new FormatError(file, "model.vocab", `id ${id} is used twice`);
        }
        pieces[id] = { piece, score: 0, type: /^<0x[0-9A-F]{2}>$/.test(piece) ? PieceType.BYTE : PieceType.NORMAL };
    }
    const merges = model.merges;
    if (!Array.isArray(merges)) {
        throw new FormatError(file, "model.merges", "must be an array");
    }
    // Score of a merged piece = -rank of the merge that forms it (sentencepiece: -index in the vocab).
    merges.forEach((m: unknown, rank: number) => {
        const pair = typeof m === "string" ? m.split(" ") : Array.isArray(m) ? m : null;
        if (pair === null || pair.length !== 2 || typeof pair[0] !== "string" || typeof pair[1] !== "string") {
            throw new FormatError(file, `model.merges[${rank}]`, "is not a pair of pieces");
        }
        const id = vocab[pair[0] + pair[1]];
        if (typeof id === "number" && pieces[id] !== undefined && pieces[id]!.score === 0) {
            pieces[id]!.score = -(rank + 1);
        }
    });
    if (model.unk_token !== undefined && model.unk_token !== null && typeof model.unk_token !== "string") {
        throw new FormatError(file, "model.unk_token", "must be a string or null");
    }
    if (model.byte_fallback !== undefined && typeof model.byte_fallback !== "boolean") {
        throw new FormatError(file, "model.byte_fallback", "must be a boolean");
    }
    const unk = typeof model.unk_token === "string" ? vocab[model.unk_token] : undefined;
    const added = readAddedTokens(json.added_tokens, pieces.length, file);
    for (const t of added) {
        const p = pieces[t.id];
        if (p !== undefined && p.piece === t.content) {
            p.type = t.id === unk ? PieceType.UNKNOWN : t.special ? PieceType.CONTROL : PieceType.USER_DEFINED;
        }
    }
    const missing = pieces.findIndex((p) => p === undefined);
    if (missing >= 0) {
        throw new FormatError(file, "model.vocab", `no piece has id ${missing}`);
    }
    const idOf = (content: string): number => {
        const id = Object.hasOwn(vocab, content) ? vocab[content] : undefined;
        return typeof id === "number" ? id : -1;
    };
    const bos = added.find((t) => t.content === "<s>")?.id ?? idOf("<s>");
    const eos = added.find((t) => t.content === "</s>")?.id ?? idOf("</s>");
    // The Tokenizer contract has BOS and EOS ids; LLaMA-style tokenizer.json files always carry <s> and </s>.
    if (bos < 0 || eos < 0) {
        throw new FormatError(file, "model.vocab", "has no <s> or no </s> piece (LLaMA-style BOS/EOS)");
    }
    return {
        pieces: pieces as Piece[],
        trainer: { modelType: 2, vocabSize: pieces.length, byteFallback: model.byte_fallback === true, splitDigits: false,
            unkId: typeof unk === "number" ? unk : 0, bosId: bos, eosId: eos, padId: -1, raw: [] },
        normalizer: { name: "identity", addDummyPrefix: true, removeExtraWhitespaces: false, escapeWhitespaces: true, hasCharsmap: false, raw: [] },
    };
}

/** tokenizer.json in the layout transformers writes for LLaMA-2 (LlamaTokenizerFast). */
export function toTokenizerJson(model: SentencePieceModel): string {
    const vocab: Record<string, number> = {};
    model.pieces.forEach((p, id) => {
        vocab[p.piece] = id;
    });
    // Merges: every normal multi-character piece, split where its best-scoring pair of sub-pieces meets, ordered by score.
    const merges: [number, string][] = [];
    model.pieces.forEach((p) => {
        if (p.type !== PieceType.NORMAL || [...p.piece].length < 2) {
            return;
        }
        const chars = [...p.piece];
        for (let cut = 1; cut < chars.length; cut++) {
            const a = chars.slice(0, cut).join("");
            const b = chars.slice(cut).join("");
            if (vocab[a] !== undefined && vocab[b] !== undefined) {
                merges.push([p.score, `${a} ${b}`]);
            }
        }
    });
    merges.sort((x, y) => y[0] - x[0]);
    const special = model.pieces.map((p, id) => ({ p, id })).filter(({ p }) => p.type === PieceType.CONTROL
        || p.type === PieceType.UNKNOWN || p.type === PieceType.USER_DEFINED);
    return JSON.stringify({
        version: "1.0", truncation: null, padding: null,
        added_tokens: special.map(({ p, id }) => ({ id, content: p.piece, single_word: false, lstrip: false,
            rstrip: false, normalized: false, special: p.type !== PieceType.USER_DEFINED })),
        normalizer: { type: "Sequence", normalizers: [{ type: "Prepend", prepend: "\u2581" }, { type: "Replace", pattern: { String: " " }, content: "\u2581" }] },
        pre_tokenizer: null,
        post_processor: { type: "TemplateProcessing", single: [{ SpecialToken: { id: "<s>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }],
            pair: [{ SpecialToken: { id: "<s>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "<s>", type_id: 1 } }, { Sequence: { id: "B", type_id: 1 } }],
            special_tokens: { "<s>": { id: "<s>", ids: [model.trainer.bosId], tokens: ["<s>"] } } },
        decoder: { type: "Sequence", decoders: [{ type: "Replace", pattern: { String: "\u2581" }, content: " " }, { type: "ByteFallback" }, { type: "Fuse" }, { type: "Strip", content: " ", start: 1, stop: 0 }] },
        model: { type: "BPE", dropout: null, unk_token: model.pieces[model.trainer.unkId]?.piece ?? "<unk>", continuing_subword_prefix: null,
            end_of_word_suffix: null, fuse_unk: true, byte_fallback: model.trainer.byteFallback, ignore_merges: false,
            vocab, merges: merges.map(([, m]) => m) },
    });
}

/** added_tokens: each {id, content, special} with an id inside the vocabulary. */
function readAddedTokens(value: unknown, vocabSize: number, file: string): AddedToken[] {
    if (value === undefined || value === null) {
        return [];
    }
    if (!Array.isArray(value)) {
        throw new FormatError(file, "added_tokens", "must be an array");
    }
    return value.map((t: unknown, i) => {
        const o = t as Partial<Record<keyof AddedToken, unknown>> | null;
        if (o === null || typeof o !== "object" || typeof o.id !== "number" || !Number.isInteger(o.id) || o.id < 0 || o.id >= vocabSize
            || typeof o.content !== "string" || (o.special !== undefined && typeof o.special !== "boolean")) {
            throw new FormatError(file, `added_tokens[${i}]`, `must be {id: 0..${vocabSize - 1}, content: string, special: boolean}`);
        }
        return { id: o.id, content: o.content, special: o.special === true };
    });
}
