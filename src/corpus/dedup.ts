/**
 * Deduplication: exact (hash of the lowercased, whitespace-collapsed text) and near-duplicate MinHash-LSH over
 * word 5-gram shingles, `bands × rows` hash functions; two documents are candidates when one band matches,
 * which happens with probability 1 - (1 - J^rows)^bands for Jaccard similarity J (10 × 12 puts the 50 % point
 * near J = 0.82). Candidates are confirmed by their MinHash-estimated Jaccard ≥ threshold. Documents are
 * visited in a canonical order, so the first of a duplicate group is kept whatever the sharding.
 *
 * Shingles are hashed in place over the lowercased text (FNV-1a of the words joined by single spaces, as
 * `words.slice(i, i + k).join(" ")` would spell them) and each of the `bands × rows` minima is one tight loop of
 * 32-bit multiply-adds over the document's shingle hashes: no string per shingle, signatures in one flat array.
 */
import { createHash } from "node:crypto";
import { BandTable } from "./BandTable.js";
import { collapseWhitespace } from "./charClasses.js";
import { SignatureStore } from "./SignatureStore.js";

export interface DedupOptions {
    shingle: number;
    bands: number;
    rows: number;
    threshold: number;
    seed: number;
}

export const DEFAULT_DEDUP: DedupOptions = { shingle: 5, bands: 10, rows: 12, threshold: 0.8, seed: 7 };

/** SHA-1 of the lowercased, whitespace-collapsed text, as a 20-character binary string (a set key). */
export function exactKey(text: string): string {
    return createHash("sha1").update(collapseWhitespace(text.toLowerCase())).digest().toString("latin1");
}

/** `/\W+/u` splits words: a word is a run of these ASCII units. */
const WORD = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
    WORD[c] = /\w/.test(String.fromCharCode(c)) ? 1 : 0;
}
/** Flips the sign bit so that signed int32 comparison orders values as unsigned (keeps the min loop in int32). */
const SIGN = 0x80000000 | 0;

/** Scratch space reused across documents: word bounds and shingle hashes. */
let wordStart: Int32Array = new Int32Array(4096);
let wordEnd: Int32Array = new Int32Array(4096);
let shingleHash: Int32Array = new Int32Array(4096);

export class MinHashLsh {
    private readonly o: DedupOptions;
    private readonly useSimd: boolean;
    private readonly a: Uint32Array;
    private readonly b: Uint32Array;
    private readonly bands = new BandTable();
    /** Indexed documents' signatures (in memory, or in `signatureFile`). */
    private readonly signatures: SignatureStore;
    /** A signature read back for a candidate. */
    private readonly theirs: Uint32Array;
    private readonly keyHi: Int32Array;
    private readonly keyLo: Int32Array;

    /**
     * `simd: false` keeps the minima in the JavaScript loop (tests compare the two); `signatureFile`: keep indexed
     * signatures in that file rather than in memory (dispose() removes it).
     */
    public constructor(options: DedupOptions = DEFAULT_DEDUP, { simd = true, signatureFile }: { simd?: boolean; signatureFile?: string } = {}) {
        this.o = options;
        this.useSimd = simd;
        const n = options.bands * options.rows;
        this.a = new Uint32Array(n);
        this.b = new Uint32Array(n);
        let x = options.seed >>> 0;
        const next = (): number => {
            x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
            return x;
        };
        for (let i = 0; i < n; i++) {
            this.a[i] = next() | 1;
            this.b[i] = next();
        }
        this.signatures = new SignatureStore(n, signatureFile);
        this.theirs = new Uint32Array(n);
        this.keyHi = new Int32Array(options.bands);
        this.keyLo = new Int32Array(options.bands);
    }

    /** Documents indexed (kept as not near-duplicates). */
    public get size(): number {
        return this.signatures.size;
    }

    public dispose(): void {
        this.signatures.dispose();
    }

    public signature(text: string): Uint32Array {
        const lower = text.toLowerCase();
        if (this.useSimd && SIMD !== null) {
            const sig = new Uint32Array(this.a.length);
            SIMD.signature(lower, this.o.shingle, this.a, this.b, sig);
            return sig;
        }
        const len = lower.length;
        let words = 0;
        for (let i = 0; i < len;) {
            const c = lower.charCodeAt(i);
            if (c >= 128 || WORD[c] !== 1) {
                i++;
                continue;
            }
            const start = i;
            for (i++; i < len; i++) {
                const d = lower.charCodeAt(i);
                if (d >= 128 || WORD[d] !== 1) {
                    break;
                }
            }
            if (words === wordStart.length) {
                wordStart = grow(wordStart);
                wordEnd = grow(wordEnd);
            }
            wordStart[words] = start;
            wordEnd[words] = i;
            words++;
        }
        const k = this.o.shingle;
        const count = Math.max(1, words - k + 1);
        if (shingleHash.length < count) {
            shingleHash = new Int32Array(Math.max(count, shingleHash.length * 2));
        }
        for (let i = 0; i < count; i++) {
            let h = 0x811c9dc5 | 0;
            const last = Math.min(i + k, words);
            for (let w = i; w < last; w++) {
                if (w > i) {
                    h = Math.imul(h ^ 32, 0x01000193);
                }
                for (let p = wordStart[w]!, e = wordEnd[w]!; p < e; p++) {
                    h = Math.imul(h ^ lower.charCodeAt(p), 0x01000193);
                }
            }
            shingleHash[i] = h;
        }
        const n = this.a.length;
        const sig = new Uint32Array(n);
        const a = this.a;
        const b = this.b;
        const hashes = shingleHash;
        for (let j = 0; j < n; j++) {
            const aj = a[j]! | 0;
            const bj = b[j]! | 0;
            let min = 0x7fffffff;
            for (let i = 0; i < count; i++) {
                const v = (Math.imul(aj, hashes[i]!) + bj) ^ SIGN;
                if (v < min) {
                    min = v;
                }
            }
            sig[j] = (min ^ SIGN) >>> 0;
        }
        return sig;
    }

    /** Adds a document; returns the index of an earlier near-duplicate, or -1 (then it is indexed). */
    public addOrMatch(text: string): number {
        return this.addOrMatchSignature(this.signature(text));
    }

    /** Values in a signature (`bands × rows`). */
    public get signatureLength(): number {
        return this.a.length;
    }

    /** addOrMatch for a signature computed elsewhere (a worker); `sig` is copied when indexed. */
    public addOrMatchSignature(sig: Uint32Array): number {
        const { bands, rows, threshold } = this.o;
        // A band's key is a 53-bit hash of its rows (kept as its high 32 and low 21 bits), not their joined text: a
        // collision only adds a candidate, which the signature comparison below then confirms or rejects.
        const { keyHi, keyLo } = this;
        for (let band = 0; band < bands; band++) {
            let h1 = 0x811c9dc5;
            let h2 = 0x01000193 ^ band;
            for (let r = band * rows; r < (band + 1) * rows; r++) {
                h1 = Math.imul(h1 ^ sig[r]!, 0x01000193) >>> 0;
                h2 = Math.imul(h2 ^ sig[r]!, 0x5bd1e995) >>> 0;
                h2 ^= h2 >>> 15;
            }
            keyHi[band] = h1;
            keyLo[band] = h2 & 0x1fffff;
        }
        for (let band = 0; band < bands; band++) {
            const other = this.bands.get(band, keyHi[band]!, keyLo[band]!);
            if (other >= 0) {
                const theirs = this.theirs;
                this.signatures.read(other, theirs);
                let same = 0;
                for (let j = 0; j < sig.length; j++) {
                    if (sig[j] === theirs[j]) {
                        same++;
                    }
                }
                if (same / sig.length >= threshold) {
                    return other;
                }
            }
        }
        const id = this.signatures.append(sig);
        for (let band = 0; band < bands; band++) {
            this.bands.setIfAbsent(band, keyHi[band]!, keyLo[band]!, id);
        }
        return -1;
    }
}

/**
 * The signature in WebAssembly: `shingles` finds the words of the lowercased text (as UTF-8: word characters are
 * ASCII, so other characters' bytes are never word bytes) and hashes each shingle exactly as the JavaScript path
 * does; `minhash` takes, for each group of 4 hash functions, the min over shingles of (a * h + b) mod 2^32,
 * unsigned, with SIMD (four lanes per instruction, ~20x the scalar loop). The 544-byte module is hand-assembled
 * from this text (wat); test/corpus/dedup.test.ts checks it against the plain definition.
 *   (memory (export "memory") 1)   ;; bytes 0..255: 1 where the byte is a word character
 *   (func (export "minhash") (param $h i32) (param $count i32) (param $a i32) (param $b i32) (param $out i32)
 *         (param $blocks i32) (local $j i32) (local $p i32) (local $end i32) (local $av v128) (local $bv v128) (local $m v128)
 *     (local.set $end (i32.add (local.get $h) (i32.shl (local.get $count) (i32.const 2))))
 *     (block $done (loop $blk
 *       (br_if $done (i32.ge_u (local.get $j) (local.get $blocks)))
 *       (local.set $av (v128.load (i32.add (local.get $a) (i32.shl (local.get $j) (i32.const 4)))))
 *       (local.set $bv (v128.load (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 4)))))
 *       (local.set $m (v128.const i32x4 -1 -1 -1 -1))
 *       (local.set $p (local.get $h))
 *       (block $idone (loop $iloop
 *         (br_if $idone (i32.ge_u (local.get $p) (local.get $end)))
 *         (local.set $m (i32x4.min_u (local.get $m)
 *           (i32x4.add (i32x4.mul (local.get $av) (i32x4.splat (i32.load (local.get $p)))) (local.get $bv))))
 *         (local.set $p (i32.add (local.get $p) (i32.const 4)))
 *         (br $iloop)))
 *       (v128.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 4))) (local.get $m))
 *       (local.set $j (i32.add (local.get $j) (i32.const 1)))
 *       (br $blk))))
 *   (func (export "shingles") (param $text i32) (param $len i32) (param $k i32) (param $words i32) (param $out i32)
 *         (result i32) (local $i i32) (local $n i32) (local $s i32) (local $w i32) (local $last i32) (local $h i32)
 *         (local $q i32) (local $e i32) (local $cnt i32) (local $wp i32)
 *     (block $d1 (loop $scan                          ;; words: (start, end) pairs at $words
 *       (br_if $d1 (i32.ge_u (local.get $i) (local.get $len)))
 *       (if (i32.eqz (i32.load8_u (i32.load8_u (i32.add (local.get $text) (local.get $i)))))
 *         (then (local.set $i (i32.add (local.get $i) (i32.const 1))))
 *         (else (local.set $s (local.get $i)) (local.set $i (i32.add (local.get $i) (i32.const 1)))
 *           (block $d (loop $more
 *             (br_if $d (i32.ge_u (local.get $i) (local.get $len)))
 *             (br_if $d (i32.eqz (i32.load8_u (i32.load8_u (i32.add (local.get $text) (local.get $i))))))
 *             (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $more)))
 *           (i32.store (local.tee $wp (i32.add (local.get $words) (i32.shl (local.get $n) (i32.const 3)))) (local.get $s))
 *           (i32.store offset=4 (local.get $wp) (local.get $i))
 *           (local.set $n (i32.add (local.get $n) (i32.const 1)))))
 *       (br $scan)))
 *     (local.set $cnt (select (local.tee $cnt (i32.add (i32.sub (local.get $n) (local.get $k)) (i32.const 1)))
 *       (i32.const 1) (i32.gt_s (local.get $cnt) (i32.const 1))))   ;; max(1, n - k + 1)
 *     (local.set $i (i32.const 0))
 *     (block $d2 (loop $sh                            ;; FNV-1a of words i .. min(i + k, n) joined by " "
 *       (br_if $d2 (i32.ge_u (local.get $i) (local.get $cnt)))
 *       (local.set $h (i32.const 0x811c9dc5))
 *       (local.set $last (select (local.tee $last (i32.add (local.get $i) (local.get $k))) (local.get $n)
 *         (i32.lt_s (local.get $last) (local.get $n))))
 *       (local.set $w (local.get $i))
 *       (block $d3 (loop $wl
 *         (br_if $d3 (i32.ge_u (local.get $w) (local.get $last)))
 *         (if (i32.gt_u (local.get $w) (local.get $i))
 *           (then (local.set $h (i32.mul (i32.xor (local.get $h) (i32.const 32)) (i32.const 0x01000193)))))
 *         (local.set $q (i32.load (local.tee $wp (i32.add (local.get $words) (i32.shl (local.get $w) (i32.const 3))))))
 *         (local.set $e (i32.load offset=4 (local.get $wp)))
 *         (block $d4 (loop $cl
 *           (br_if $d4 (i32.ge_u (local.get $q) (local.get $e)))
 *           (local.set $h (i32.mul (i32.xor (local.get $h) (i32.load8_u (i32.add (local.get $text) (local.get $q))))
 *             (i32.const 0x01000193)))
 *           (local.set $q (i32.add (local.get $q) (i32.const 1))) (br $cl)))
 *         (local.set $w (i32.add (local.get $w) (i32.const 1))) (br $wl)))
 *       (i32.store (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 2))) (local.get $h))
 *       (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $sh)))
 *     (local.get $cnt))
 */
const MINHASH_WASM = "AGFzbQEAAAABEwJgBn9/f39/fwBgBX9/f39/AX8DAwIAAQUDAQABBx8DBm1lbW9yeQIAB21pbmhhc2gAAAhzaGluZ2xlcwABCtUDApYBAgN/A3sgACABQQJ0aiEIAkADQCAGIAVPDQEgAiAGQQR0av0ABAAhCSADIAZBBHRq/QAEACEK/Qz/////////////////////IQsgACEHAkADQCAHIAhPDQEgCyAJIAcoAgD9Ef21ASAK/a4B/bcBIQsgB0EEaiEHDAALCyAEIAZBBHRqIAv9CwQAIAZBAWohBgwACwsLugIBCn8CQANAIAUgAU8NASAAIAVqLQAALQAARQRAIAVBAWohBQUgBSEHIAVBAWohBQJAA0AgBSABTw0BIAAgBWotAAAtAABFDQEgBUEBaiEFDAALCyADIAZBA3RqIg4gBzYCACAOIAU2AgQgBkEBaiEGCwwACwsgBiACa0EBaiINQQEgDUEBShshDUEAIQUCQANAIAUgDU8NAUHFu/KIeCEKIAUgAmoiCSAGIAkgBkgbIQkgBSEIAkADQCAIIAlPDQEgCCAFSwRAIApBIHNBk4OACGwhCgsgAyAIQQN0aiIOKAIAIQsgDigCBCEMAkADQCALIAxPDQEgCiAAIAtqLQAAc0GTg4AIbCEKIAtBAWohCwwACwsgCEEBaiEIDAALCyAEIAVBAnRqIAo2AgAgBUEBaiEFDAALCyANCw==";

/** The little of the WebAssembly API used here (the project's TypeScript libs leave it out). */
interface WasmMemory {
    buffer: ArrayBuffer;
    grow(pages: number): number;
}
interface WasmApi {
    Module: new (bytes: Uint8Array) => object;
    Instance: new (module: object) => { exports: Record<string, unknown> };
}

interface SimdSignature {
    /** The signature of `lower` (already lowercased) with `k`-word shingles and hash functions (a, b), into `out`. */
    signature(lower: string, k: number, a: Uint32Array, b: Uint32Array, out: Uint32Array): void;
}

/** The WebAssembly signature, or null where WebAssembly SIMD is not available (then the JavaScript path runs). */
const SIMD: SimdSignature | null = (() => {
    try {
        const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
        const instance = new wasm.Instance(new wasm.Module(Buffer.from(MINHASH_WASM, "base64")));
        const memory = instance.exports.memory as WasmMemory;
        const minhash = instance.exports.minhash as (h: number, count: number, a: number, b: number, out: number, blocks: number) => void;
        const shingles = instance.exports.shingles as (text: number, len: number, k: number, words: number, out: number) => number;
        let bytes = Buffer.from(memory.buffer);
        for (let c = 0; c < 128; c++) {
            bytes[c] = WORD[c]!;
        }
        return {
            signature(lower, k, a, b, out): void {
                const blocks = Math.ceil(a.length / 4);
                // Layout: the word-byte table, a, b, the minima (blocks x 16 bytes each), the text as UTF-8 (at most
                // 3 bytes a UTF-16 unit), word bounds (8 bytes a word), shingle hashes (4 bytes a shingle).
                const at = 256;
                const text = at + 3 * blocks * 16;
                const most = 3 * lower.length;
                const words = (text + most + 7) & ~7;
                const hashes = (words + 8 * (most / 2 + 1) + 15) & ~15;
                const need = hashes + 4 * (most / 2 + 2);
                if (memory.buffer.byteLength < need) {
                    memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
                }
                if (bytes.buffer !== memory.buffer) {
                    bytes = Buffer.from(memory.buffer);
                }
                const u32 = new Uint32Array(memory.buffer, at, blocks * 12);
                u32.fill(1, 0, blocks * 4);
                u32.set(a, 0);
                u32.fill(0, blocks * 4, blocks * 8);
                u32.set(b, blocks * 4);
                const len = bytes.write(lower, text, "utf8");
                const count = shingles(text, len, k, words, hashes);
                minhash(hashes, count, at, at + blocks * 16, at + 2 * blocks * 16, blocks);
                out.set(u32.subarray(blocks * 8, blocks * 8 + a.length));
            },
        };
    } catch {
        return null;
    }
})();

function grow(a: Int32Array): Int32Array {
    const out = new Int32Array(a.length * 2);
    out.set(a);
    return out;
}
