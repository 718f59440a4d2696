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
import { FNV_OFFSET, FNV_PRIME, WordCache } from "./WordCache.js";

const SPACE = "\u2581";
const UNK_SURFACE = " \u2047 ";
/**
 * Words memoised before the cache starts over (~10 MB of typed arrays when full): enough for the distinct words of a
 * typical corpus while the table still sits in L2 (the choice is measured in docs/performance-notes.md).
 */
const CACHE_LIMIT = 1 << 17;

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
    /** 1 for characters that may precede "▁" inside a piece: no cut is made after them (a table: checked per word). */
    private readonly joinBefore = new Uint8Array(65536);
    /** splitOnSpace, and normalising is only escaping spaces (plus the dummy prefix): words are cut from the raw text. */
    private readonly splitRaw: boolean;
    private readonly cache: WordCache;
    /** Piece scores by id. */
    private readonly scores: Float64Array;
    /** Id of each single UTF-16 unit that is a mergeable piece, else -1. */
    private readonly charIds = new Int32Array(65536).fill(-1);
    /** (left id * vocabSize + right id) → id of the mergeable piece spelled left + right, for every such split. */
    private readonly pairs = new Map<number, number>();
    private readonly scratch = new SegmentScratch();
    /** Whether any piece is UNUSED: merges may form those, and they are split back into their halves (bpe_model.cc). */
    private readonly hasUnused: boolean;

    /** `wordCacheLimit`: words the per-word path memoises before starting over (tests make it small). */
    public constructor(model: SentencePieceModel, { wordCacheLimit = CACHE_LIMIT }: { wordCacheLimit?: number } = {}) {
        this.model = model;
        this.cache = new WordCache(wordCacheLimit);
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
        this.scores = Float64Array.from(model.pieces, (p) => p.score);
        for (const [piece, id] of this.mergeable) {
            if (piece.length === 1) {
                this.charIds[piece.charCodeAt(0)] = id;
            }
            for (let k = 1; k < piece.length; k++) {
                const a = this.mergeable.get(piece.slice(0, k));
                const b = this.mergeable.get(piece.slice(k));
                if (a !== undefined && b !== undefined) {
                    this.pairs.set(a * this.vocabSize + b, id);
                }
            }
        }
        this.userDefined = model.pieces.filter((p) => p.type === PieceType.USER_DEFINED).map((p) => p.piece).sort((a, b) => b.length - a.length);
        for (const piece of this.mergeable.keys()) {
            for (let j = piece.indexOf(SPACE, 1); j >= 1; j = piece.indexOf(SPACE, j + 1)) {
                this.joinBefore[piece.charCodeAt(j - 1)] = 1;
            }
        }
        // Surrogate pairs before "▁" would need code-point care; such vocabularies take the whole-text path.
        this.splitOnSpace = model.normalizer.escapeWhitespaces && !this.joinBefore.subarray(0xd800, 0xe000).includes(1)
            && !this.userDefined.some((u) => u.includes(SPACE));
        this.splitRaw = this.splitOnSpace && !model.normalizer.hasCharsmap && !model.normalizer.removeExtraWhitespaces;
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
        if (this.splitRaw) {
            // Only spaces change and a "▁" goes in front: the words can be read off the raw text.
            this.encodeWords(text, this.model.normalizer.addDummyPrefix, out);
        } else if (this.splitOnSpace) {
            this.encodeWords(this.normalize(text), false, out);
        } else {
            const normalized = this.normalize(text);
            if (normalized.length > 0) {
                for (const id of this.encodeSegment(normalized)) {
                    out.push(id);
                }
            }
        }
        if (options.eos) {
            out.push(this.eosId);
        }
        return out;
    }

    /**
     * The per-word path over `s`: the raw text when the normaliser only escapes spaces and adds the dummy prefix
     * (`dummyPrefix` true: LLaMA-2's identity normaliser), else the normalised text. A cut falls before every
     * space or "▁" whose preceding character (as normalised) is not a joinBefore one; each word's ids come from the
     * cache, keyed by its text as it appears in `s` (spaces and "▁" both stand for "▁", so either spelling of a key
     * gives the same ids), except the first word of a dummy-prefixed text, keyed by its normalised spelling.
     */
    private encodeWords(s: string, dummyPrefix: boolean, out: number[]): void {
        const n = s.length;
        if (n === 0) {
            return;
        }
        const join = this.joinBefore;
        // Imported bindings copied to locals: the loop below would re-read them per character.
        const prime = FNV_PRIME;
        const offset = FNV_OFFSET;
        let start = 0;
        let first = dummyPrefix;
        let h = dummyPrefix ? Math.imul(offset ^ 0x2581, prime) : offset;
        let prev = dummyPrefix ? 0x2581 : -1;
        for (let r = 0; r < n; r++) {
            let c = s.charCodeAt(r);
            if (c === 32) {
                c = 0x2581;
            }
            if (c === 0x2581 && prev >= 0 && join[prev] !== 1) {
                this.emitWord(s, start, r, h, first, out);
                first = false;
                start = r;
                h = offset;
            }
            h = Math.imul(h ^ c, prime);
            prev = c;
        }
        this.emitWord(s, start, n, h, first, out);
    }

    private emitWord(s: string, start: number, end: number, hash: number, dummyPrefixed: boolean, out: number[]): void {
        const cache = this.cache;
        if (dummyPrefixed) {
            const key = SPACE + s.slice(start, end).replaceAll(" ", SPACE);
            let e = cache.find(key, hash);
            if (e < 0) {
                e = cache.add(key, hash, this.encodeSegment(key));
            }
            cache.emit(e, out);
            return;
        }
        let e = cache.findIn(s, start, end, hash);
        if (e < 0) {
            // The cache copies the key's characters into its pool, so a slice (a view of the whole text) is fine.
            const key = s.slice(start, end);
            e = cache.add(key, hash, this.encodeSegment(key.replaceAll(" ", SPACE)));
        }
        cache.emit(e, out);
    }

    /** @internal The whole-text path (one BPE over the normalised text), the oracle of the per-word path's tests. */
    public encodeWhole(text: string): number[] {
        const normalized = this.normalize(text);
        return normalized.length > 0 ? this.encodeSegment(normalized) : [];
    }

    /**
     * BPE over one normalised segment. Symbols are contiguous spans of `text` (start implied by the linked list,
     * length and piece id in typed arrays), so a candidate merge is the span of two neighbours: its id comes from
     * the pair table when both are pieces, else from the piece map by the span's text. The heap holds candidates
     * by (score desc, left asc); stale ones are dropped when popped (the span no longer has that length).
     */
    private encodeSegment(text: string): number[] {
        const t = this.scratch.reserve(text.length);
        const { start, len, sym, prev, next } = t;
        // Initial symbols: user-defined pieces (longest first) or single code points.
        let n = 0;
        for (let i = 0; i < text.length;) {
            let matched: string | undefined;
            for (const u of this.userDefined) {
                if (text.startsWith(u, i)) {
                    matched = u;
                    break;
                }
            }
            let l: number;
            let id: number;
            if (matched !== undefined) {
                l = matched.length;
                id = this.mergeable.get(matched) ?? -1;
            } else {
                const c = text.charCodeAt(i);
                if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
                    l = 2;
                    id = this.mergeable.get(text.slice(i, i + 2)) ?? -1;
                } else {
                    l = 1;
                    id = this.charIds[c]!;
                }
            }
            start[n] = i;
            len[n] = l;
            sym[n] = id;
            n++;
            i += l;
        }
        for (let i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        const heap = t.heap;
        heap.clear();
        // As sentencepiece: the last pair seen forming each unused piece, to split it again at the end.
        const revMerge = this.hasUnused ? new Map<string, [string, string]>() : undefined;
        for (let i = 0; i + 1 < n; i++) {
            this.pushMerge(text, t, i, i + 1, revMerge);
        }
        while (heap.length > 0) {
            const left = heap.topLeft();
            const size = heap.topSize();
            const id = heap.topId();
            heap.pop();
            const right = next[left]!;
            if (len[left] === 0 || right < 0 || len[left]! + len[right]! !== size) {
                continue;
            }
            len[left] = size;
            sym[left] = id;
            len[right] = 0;
            next[left] = next[right]!;
            if (next[right]! >= 0) {
                prev[next[right]!] = left;
            }
            if (prev[left]! >= 0) {
                this.pushMerge(text, t, prev[left]!, left, revMerge);
            }
            if (next[left]! >= 0) {
                this.pushMerge(text, t, left, next[left]!, revMerge);
            }
        }
        const ids: number[] = [];
        for (let i = 0; i >= 0 && i < n; i = next[i]!) {
            const id = sym[i]!;
            if (id >= 0 && (!this.hasUnused || this.pieces[id]!.type !== PieceType.UNUSED)) {
                ids.push(id);
            } else {
                this.emitPiece(text.slice(start[i]!, start[i]! + len[i]!), revMerge, ids);
            }
        }
        return ids;
    }

    /** Queues the merge of neighbours `left` and `right` when their span is a piece (a method, not a closure per segment). */
    private pushMerge(text: string, t: SegmentScratch, left: number, right: number, revMerge: Map<string, [string, string]> | undefined): void {
        const { start, len, sym } = t;
        const a = sym[left]!;
        const b = sym[right]!;
        const size = len[left]! + len[right]!;
        const id = a >= 0 && b >= 0 ? this.pairs.get(a * this.vocabSize + b) : this.mergeable.get(text.slice(start[left]!, start[left]! + size));
        if (id === undefined) {
            return;
        }
        if (revMerge !== undefined && this.pieces[id]!.type === PieceType.UNUSED) {
            revMerge.set(text.slice(start[left]!, start[left]! + size),
                [text.slice(start[left]!, start[right]!), text.slice(start[right]!, start[right]! + len[right]!)]);
        }
        t.heap.push(this.scores[id]!, left, size, id);
    }

    /**
     * A final symbol's ids: its id, an unused piece split back into the halves that formed it, or (not a piece)
     * its UTF-8 bytes as <0xXX> pieces with byte fallback, else <unk>.
     */
    private emitPiece(piece: string, revMerge: Map<string, [string, string]> | undefined, ids: number[]): void {
        const id = this.mergeable.get(piece);
        if (id !== undefined) {
            const pair = this.hasUnused && this.pieces[id]!.type === PieceType.UNUSED ? revMerge?.get(piece) : undefined;
            if (pair === undefined) {
                ids.push(id);
            } else {
                this.emitPiece(pair[0], revMerge, ids);
                this.emitPiece(pair[1], revMerge, ids);
            }
        } else if (this.model.trainer.byteFallback) {
            for (const b of Buffer.from(piece, "utf8")) {
                ids.push(this.byteIds[b]! >= 0 ? this.byteIds[b]! : this.unkId);
            }
        } else {
            ids.push(this.unkId);
        }
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

/** Max-heap of merge candidates by (score desc, left asc), in parallel typed arrays. */
class MergeHeap {
    private score = new Float64Array(64);
    private left = new Int32Array(64);
    private size = new Int32Array(64);
    private id = new Int32Array(64);
    public length = 0;

    public clear(): void {
        this.length = 0;
    }

    public topLeft(): number {
        return this.left[0]!;
    }

    public topSize(): number {
        return this.size[0]!;
    }

    public topId(): number {
        return this.id[0]!;
    }

    public push(score: number, left: number, size: number, id: number): void {
        if (this.length === this.score.length) {
            this.grow();
        }
        let i = this.length++;
        this.score[i] = score;
        this.left[i] = left;
        this.size[i] = size;
        this.id[i] = id;
        while (i > 0) {
            const parent = (i - 1) >> 1;
            if (!this.less(parent, i)) {
                break;
            }
            this.swap(parent, i);
            i = parent;
        }
    }

    public pop(): void {
        const last = --this.length;
        this.swap(0, last);
        let i = 0;
        for (;;) {
            const l = 2 * i + 1;
            const r = l + 1;
            let best = i;
            if (l < this.length && this.less(best, l)) {
                best = l;
            }
            if (r < this.length && this.less(best, r)) {
                best = r;
            }
            if (best === i) {
                break;
            }
            this.swap(i, best);
            i = best;
        }
    }

    private less(a: number, b: number): boolean {
        return this.score[a]! < this.score[b]! || (this.score[a] === this.score[b] && this.left[a]! > this.left[b]!);
    }

    private swap(a: number, b: number): void {
        const s = this.score[a]!;
        this.score[a] = this.score[b]!;
        this.score[b] = s;
        const l = this.left[a]!;
        this.left[a] = this.left[b]!;
        this.left[b] = l;
        const z = this.size[a]!;
        this.size[a] = this.size[b]!;
        this.size[b] = z;
        const d = this.id[a]!;
        this.id[a] = this.id[b]!;
        this.id[b] = d;
    }

    private grow(): void {
        const cap = this.score.length * 2;
        const score = new Float64Array(cap);
        score.set(this.score);
        this.score = score;
        for (const key of ["left", "size", "id"] as const) {
            const a = new Int32Array(cap);
            a.set(this[key]);
            this[key] = a;
        }
    }
}

/** Per-symbol arrays of encodeSegment, reused across calls (grown to the longest segment seen). */
class SegmentScratch {
    public start = new Int32Array(64);
    public len = new Int32Array(64);
    public sym = new Int32Array(64);
    public prev = new Int32Array(64);
    public next = new Int32Array(64);
    public readonly heap = new MergeHeap();

    public reserve(n: number): this {
        if (this.start.length < n) {
            let cap = this.start.length;
            while (cap < n) {
                cap *= 2;
            }
            this.start = new Int32Array(cap);
            this.len = new Int32Array(cap);
            this.sym = new Int32Array(cap);
            this.prev = new Int32Array(cap);
            this.next = new Int32Array(cap);
        }
        return this;
    }
}
