/**
 * SentencePiece BPE exactly as LLaMA-2 uses it (sentencepiece's bpe_model.cc semantics, re-derived):
 * normalise (identity; NFKC when the model carries a precompiled charsmap), spaces escaped as "▁", a dummy "▁"
 * prefix; split into code points with user-defined symbols matched first; repeatedly merge the adjacent pair
 * whose concatenation is a piece with the highest score (ties: leftmost); symbols that are not pieces fall back to
 * their UTF-8 bytes `<0xXX>` (or <unk>). Decoding turns "▁" back into spaces, drops control tokens, decodes byte
 * runs as UTF-8 with one U+FFFD per invalid byte, and strips the dummy-prefix space of the first text.
 *
 * Fast path: a merge can only cross the boundary before a "▁" when some piece holds the preceding character
 * followed by "▁" (LLaMA-2 has whitespace runs "▁▁", "▁▁▁" …, so only "▁" precedes). Text is cut before every
 * other "▁" into words, each encoded once and cached; independent words merge exactly as the whole text would.
 */
import { createHash } from "node:crypto";
import { TokenIdError } from "../errors/TokenIdError.js";
import type { SentencePieceModel } from "./sentencepieceModel.js";
import { type Piece, PieceType, type Tokenizer } from "./Tokenizer.js";

const SPACE = "\u2581";
const UNK_SURFACE = " \u2047 ";
const CACHE_LIMIT = 1 << 18;

export class SentencePieceBpe implements Tokenizer {
    public readonly vocabSize: number;
    public readonly bosId: number;
    public readonly eosId: number;
    public readonly unkId: number;
    public readonly padId: number | null;
    public readonly hash: string;
    /**
     * The vocabulary as loaded, for writers of other formats (GGUF export writes tokenizer.ggml.tokens, .scores and
     * .token_type from `model.pieces` — piece, score, and a type whose numbers are sentencepiece's and GGUF's —
     * and the special ids from `model.trainer` {unkId, bosId, eosId, padId (-1: none)}). LLaMA-2 adds BOS and not
     * EOS when prompting (add_bos_token true, add_eos_token false), which saveTokenizer's tokenizer_config.json says.
     */
    public readonly model: SentencePieceModel;
    private readonly pieces: Piece[];
    /** Pieces that merges may form (normal, user-defined, unused) with their ids. */
    private readonly mergeable = new Map<string, number>();
    private readonly byPiece = new Map<string, number>();
    private readonly byteIds = new Int32Array(256).fill(-1);
    private readonly userDefined: string[];
    private readonly splitOnSpace: boolean;
    /** Characters that may precede "▁" inside a piece: no cut is made after them. */
    private readonly joinBefore = new Set<number>();
    private readonly cache = new Map<string, readonly number[]>();
    /** Whether any piece is UNUSED: merges may form those, and they are split back into their halves (bpe_model.cc). */
    private readonly hasUnused: boolean;

    public constructor(model: SentencePieceModel) {
        this.model = model;
        this.pieces = model.pieces;
        this.vocabSize = model.pieces.length;
        this.unkId = model.trainer.unkId;
        this.bosId = model.trainer.bosId;
        this.eosId = model.trainer.eosId;
        this.padId = model.trainer.padId >= 0 ? model.trainer.padId : null;
        model.pieces.forEach((p, id) => {
            if (!this.byPiece.has(p.piece)) {
                this.byPiece.set(p.piece, id);
            }
            if (p.type === PieceType.NORMAL || p.type === PieceType.USER_DEFINED || p.type === PieceType.UNUSED) {
                this.mergeable.set(p.piece, id);
            }
            if (p.type === PieceType.BYTE) {
                const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(p.piece);
                if (m) {
                    this.byteIds[parseInt(m[1]!, 16)] = id;
                }
            }
        });
        this.hasUnused = model.pieces.some((p) => p.type === PieceType.UNUSED);
        this.userDefined = model.pieces.filter((p) => p.type === PieceType.USER_DEFINED).map((p) => p.piece).sort((a, b) => b.length - a.length);
        for (const piece of this.mergeable.keys()) {
            for (let j = piece.indexOf(SPACE, 1); j >= 1; j = piece.indexOf(SPACE, j + 1)) {
                this.joinBefore.add(piece.charCodeAt(j - 1));
            }
        }
        // Surrogate pairs before "▁" would need code-point care; such vocabularies take the whole-text path.
        this.splitOnSpace = model.normalizer.escapeWhitespaces && ![...this.joinBefore].some((c) => c >= 0xd800 && c <= 0xdfff)
            && !this.userDefined.some((u) => u.includes(SPACE));
        const h = createHash("sha256");
        for (const p of model.pieces) {
            h.update(`${p.piece}\u0000${p.score}\u0000${p.type}\n`);
        }
        this.hash = h.digest("hex").slice(0, 16);
    }

    public idToPiece(id: number): string {
        const p = this.pieces[id];
        if (p === undefined) {
            throw new TokenIdError(id, this.vocabSize);
        }
        return p.piece;
    }

    public pieceToId(piece: string): number | undefined {
        return this.byPiece.get(piece);
    }

    public get allPieces(): readonly Piece[] {
        return this.pieces;
    }

    public normalize(text: string): string {
        const n = this.model.normalizer;
        let s = n.hasCharsmap ? text.normalize("NFKC") : text;
        if (n.removeExtraWhitespaces) {
            s = s.replace(/ +/g, " ").replace(/^ | $/g, "");
        }
        if (s.length === 0) {
            return s;
        }
        if (n.escapeWhitespaces) {
            s = s.replaceAll(" ", SPACE);
        }
        return n.addDummyPrefix ? SPACE + s : s;
    }

    public encode(text: string, options: { bos?: boolean; eos?: boolean } = {}): number[] {
        const out: number[] = [];
        if (options.bos) {
            out.push(this.bosId);
        }
        const normalized = this.normalize(text);
        if (this.splitOnSpace) {
            let start = 0;
            for (let i = 1; i <= normalized.length; i++) {
                if (i === normalized.length || (normalized.charCodeAt(i) === 0x2581 && !this.joinBefore.has(normalized.charCodeAt(i - 1)))) {
                    const word = normalized.slice(start, i);
                    let ids = this.cache.get(word);
                    if (ids === undefined) {
                        ids = this.encodeSegment(word);
                        if (this.cache.size >= CACHE_LIMIT) {
                            this.cache.clear();
                        }
                        this.cache.set(word, ids);
                    }
                    for (const id of ids) {
                        out.push(id);
                    }
                    start = i;
                }
            }
        } else if (normalized.length > 0) {
            out.push(...this.encodeSegment(normalized));
        }
        if (options.eos) {
            out.push(this.eosId);
        }
        return out;
    }

    /** BPE over one normalised segment. */
    private encodeSegment(text: string): number[] {
        // Initial symbols: user-defined pieces (longest first) or single code points.
        const syms: string[] = [];
        for (let i = 0; i < text.length;) {
            let matched: string | undefined;
            for (const u of this.userDefined) {
                if (text.startsWith(u, i)) {
                    matched = u;
                    break;
                }
            }
            if (matched === undefined) {
                const cp = text.codePointAt(i)!;
                matched = cp > 0xffff ? text.slice(i, i + 2) : text[i]!;
            }
            syms.push(matched);
            i += matched.length;
        }
        const n = syms.length;
        const prev = new Int32Array(n);
        const next = new Int32Array(n);
        for (let i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        let revMerge: Map<string, [string, string]> | undefined;
        // Max-heap of candidate merges ordered by (score desc, left asc); entries are validated when popped.
        const hScore: number[] = [];
        const hLeft: number[] = [];
        const hSize: number[] = [];
        const less = (a: number, b: number): boolean => hScore[a]! < hScore[b]! || (hScore[a] === hScore[b] && hLeft[a]! > hLeft[b]!);
        const swap = (a: number, b: number): void => {
            [hScore[a], hScore[b]] = [hScore[b]!, hScore[a]!];
            [hLeft[a], hLeft[b]] = [hLeft[b]!, hLeft[a]!];
            [hSize[a], hSize[b]] = [hSize[b]!, hSize[a]!];
        };
        const push = (left: number, right: number): void => {
            const merged = syms[left]! + syms[right]!;
            const id = this.mergeable.get(merged);
            if (id === undefined) {
                return;
            }
            if (this.hasUnused && this.pieces[id]!.type === PieceType.UNUSED) {
                // As sentencepiece: remember the last pair seen forming an unused piece, to split it again at the end.
                (revMerge ??= new Map()).set(merged, [syms[left]!, syms[right]!]);
            }
            let i = hScore.length;
            hScore.push(this.pieces[id]!.score);
            hLeft.push(left);
            hSize.push(merged.length);
            while (i > 0) {
                const parent = (i - 1) >> 1;
                if (!less(parent, i)) {
                    break;
                }
                swap(parent, i);
                i = parent;
            }
        };
        const pop = (): void => {
            const last = hScore.length - 1;
            swap(0, last);
            hScore.pop();
            hLeft.pop();
            hSize.pop();
            let i = 0;
            for (;;) {
                const l = 2 * i + 1;
                const r = l + 1;
                let best = i;
                if (l < hScore.length && less(best, l)) {
                    best = l;
                }
                if (r < hScore.length && less(best, r)) {
                    best = r;
                }
                if (best === i) {
                    break;
                }
                swap(i, best);
                i = best;
            }
        };
        for (let i = 0; i + 1 < n; i++) {
            push(i, i + 1);
        }
        while (hScore.length > 0) {
            const left = hLeft[0]!;
            const size = hSize[0]!;
            pop();
            const right = next[left]!;
            if (syms[left] === "" || right < 0 || syms[left]!.length + syms[right]!.length !== size) {
                continue;
            }
            syms[left] = syms[left]! + syms[right]!;
            syms[right] = "";
            next[left] = next[right]!;
            if (next[right]! >= 0) {
                prev[next[right]!] = left;
            }
            if (prev[left]! >= 0) {
                push(prev[left]!, left);
            }
            if (next[left]! >= 0) {
                push(left, next[left]!);
            }
        }
        const ids: number[] = [];
        // A final symbol: its id, an unused piece split back into the halves that formed it, or (not a piece) its
        // UTF-8 bytes as <0xXX> pieces with byte fallback, else <unk>.
        const emit = (piece: string): void => {
            const id = this.mergeable.get(piece);
            if (id !== undefined) {
                const pair = this.hasUnused && this.pieces[id]!.type === PieceType.UNUSED ? revMerge?.get(piece) : undefined;
                if (pair === undefined) {
                    ids.push(id);
                } else {
                    emit(pair[0]);
                    emit(pair[1]);
                }
            } else if (this.model.trainer.byteFallback) {
                for (const b of Buffer.from(piece, "utf8")) {
                    ids.push(this.byteIds[b]! >= 0 ? this.byteIds[b]! : this.unkId);
                }
            } else {
                ids.push(this.unkId);
            }
        };
        for (let i = 0; i >= 0 && i < n; i = next[i]!) {
            emit(syms[i]!);
        }
        return ids;
    }

    public decode(ids: readonly number[]): string {
        let out = "";
        let bytes: number[] = [];
        let atStart = this.model.normalizer.addDummyPrefix;
        const emit = (text: string): void => {
            if (text.length === 0) {
                return;
            }
            if (atStart && text.startsWith(" ")) {
                text = text.slice(1);
            }
            atStart = false;
            out += text;
        };
        const flush = (): void => {
            if (bytes.length > 0) {
                emit(decodeUtf8Lenient(bytes).replaceAll(SPACE, " "));
                bytes = [];
            }
        };
        for (const id of ids) {
            const p = this.pieces[id];
            if (p === undefined) {
                throw new TokenIdError(id, this.vocabSize);
            }
            if (p.type === PieceType.BYTE) {
                bytes.push(parseInt(p.piece.slice(3, 5), 16));
                continue;
            }
            flush();
            if (p.type === PieceType.CONTROL) {
                continue;
            }
            emit(p.type === PieceType.UNKNOWN ? UNK_SURFACE : p.piece.replaceAll(SPACE, " "));
        }
        flush();
        return out;
    }
}

/** UTF-8 decoding that maps each byte of an invalid sequence to U+FFFD (as sentencepiece does). */
export function decodeUtf8Lenient(bytes: readonly number[]): string {
    let out = "";
    for (let i = 0; i < bytes.length;) {
        const b0 = bytes[i]!;
        const len = b0 < 0x80 ? 1 : (b0 & 0xe0) === 0xc0 ? 2 : (b0 & 0xf0) === 0xe0 ? 3 : (b0 & 0xf8) === 0xf0 ? 4 : 0;
        let cp = len === 1 ? b0 : len === 2 ? b0 & 0x1f : len === 3 ? b0 & 0x0f : b0 & 0x07;
        let ok = len > 0 && i + len <= bytes.length;
        for (let k = 1; ok && k < len; k++) {
            const b = bytes[i + k]!;
            if ((b & 0xc0) !== 0x80) {
                ok = false;
            } else {
                cp = (cp << 6) | (b & 0x3f);
            }
        }
        const min = [0, 0, 0x80, 0x800, 0x10000][len] ?? 0;
        if (ok && cp >= min && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) {
            out += String.fromCodePoint(cp);
            i += len;
        } else {
            out += "\ufffd";
            i += 1;
        }
    }
    return out;
}
