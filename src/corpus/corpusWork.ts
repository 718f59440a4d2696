/**
 * The per-document work of the two corpus stages as pure functions over batches of texts, run either inline or in
 * worker threads (corpusWorker.ts) with the same results:
 *   documents: clean → quality rules (when the source asks) → PHI scan (clinical sources);
 *   pack: MinHash signature and token ids (EOS appended) of each document that is not an exact duplicate (the
 *     caller drops those first: exact keys are cheap, and most duplicates never need a signature or tokens).
 * The order-dependent decisions (which duplicate is first, statistics, spills) stay with the caller, which
 * consumes results in input order.
 */
import type { Tokenizer } from "../tokenizer/Tokenizer.js";
import type { DedupOptions } from "./dedup.js";
import { exactKey, type MinHashLsh } from "./dedup.js";
import type { PhiCategory } from "./phi.js";
import { scanPhi } from "./phi.js";
import type { QualityOptions } from "./quality.js";
import { cleanText, qualityReason } from "./quality.js";

export interface DocumentsTask {
    texts: string[];
    /** Apply the quality rules (else only empty documents are dropped). */
    quality: boolean;
    /** Scan for PHI (clinical sources). */
    phi: boolean;
    /** Also compute each kept document's exact-duplicate key (when the pack stage follows directly). */
    keys?: boolean;
}

export interface DocumentsResult {
    /** Per document: the drop reason, or null when kept. */
    reasons: (string | null)[];
    /** Per document: the text to keep (cleaned, PHI handled), or null when dropped. */
    texts: (string | null)[];
    /** Per kept clinical document: PHI counts in finding order (the statistics keep first-seen key order). */
    phi: (Partial<Record<PhiCategory, number>> | null)[];
    /** Per kept document its exactKey, when asked. */
    keys?: (string | null)[];
}

export interface WorkSettings {
    quality: QualityOptions;
    phiMode: "flag" | "redact";
    dedup: DedupOptions;
}

export function documentsWork(task: DocumentsTask, s: WorkSettings): DocumentsResult {
    const reasons: (string | null)[] = [];
    const texts: (string | null)[] = [];
    const phi: (Partial<Record<PhiCategory, number>> | null)[] = [];
    const keys: (string | null)[] | undefined = task.keys === true ? [] : undefined;
    for (const raw of task.texts) {
        let text = cleanText(raw, s.quality.normalization);
        const reason = task.quality ? qualityReason(text, s.quality) : (text.length === 0 ? "empty" : null);
        if (reason !== null) {
            reasons.push(reason);
            texts.push(null);
            phi.push(null);
            keys?.push(null);
            continue;
        }
        let counts: Partial<Record<PhiCategory, number>> | null = null;
        if (task.phi) {
            const r = scanPhi(text, s.phiMode);
            text = r.text;
            counts = r.counts;
        }
        reasons.push(null);
        texts.push(text);
        phi.push(counts);
        keys?.push(exactKey(text));
    }
    return keys === undefined ? { reasons, texts, phi } : { reasons, texts, phi, keys };
}

export interface PackResult {
    /** MinHash signatures, `bands × rows` per document, back to back. */
    signatures: Uint32Array<ArrayBuffer>;
    /** Token ids of all documents back to back, EOS after each; document k is ids[offsets[k], offsets[k + 1]). */
    ids: Int32Array<ArrayBuffer>;
    offsets: Int32Array<ArrayBuffer>;
}

/** Token scratch reused across batches (a number[] per batch was a large garbage object each time). */
let scratch = new Int32Array(1 << 16);

export function packWork(texts: readonly string[], lsh: MinHashLsh, tokenizer: Tokenizer): PackResult {
    const n = lsh.signatureLength;
    const signatures = new Uint32Array(texts.length * n);
    const offsets = new Int32Array(texts.length + 1);
    let fill = 0;
    texts.forEach((text, k) => {
        signatures.set(lsh.signature(text), k * n);
        const ids = tokenizer.encode(text);
        if (fill + ids.length + 1 > scratch.length) {
            const grown = new Int32Array(Math.max(scratch.length * 2, fill + ids.length + 1));
            grown.set(scratch.subarray(0, fill));
            scratch = grown;
        }
        scratch.set(ids, fill);
        fill += ids.length;
        scratch[fill++] = tokenizer.eosId;
        offsets[k + 1] = fill;
    });
    return { signatures, ids: scratch.slice(0, fill), offsets };
}
