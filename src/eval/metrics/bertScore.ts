/**
 * BERTScore (Zhang et al. 2020) as the bert-score package computes it with Me-LLaMA's settings (idf off, no
 * baseline rescaling): each side is a sequence of contextual token embeddings; every reference token is matched
 * to its most cosine-similar candidate token and vice versa (greedy matching); recall = mean over reference
 * tokens of the best similarity, precision = mean over candidate tokens, F1 = 2PR / (P + R).
 * The embeddings come from any TokenEmbedder (the paper used bert-base-multilingual-cased's 9th layer); the
 * embedder must leave out special tokens ([CLS], [SEP]), which bert-score weights 0 when idf is off.
 */
export interface TokenEmbedder {
    readonly id: string;
    /** One embedding per content token of each text (rows of equal width). */
    embed(texts: readonly string[]): Promise<Float32Array[][]>;
}

export interface BertScore {
    precision: number;
    recall: number;
    f1: number;
}

function normalized(rows: readonly Float32Array[]): Float32Array[] {
    return rows.map((row) => {
        let norm = 0;
        for (const v of row) {
            norm += v * v;
        }
        const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
        return row.map((v) => v * inv);
    });
}

function dot(a: Float32Array, b: Float32Array): number {
    let s = 0;
    for (let i = 0; i < a.length; i++) {
        s += a[i]! * b[i]!;
    }
    return s;
}

/** Greedy-matching BERTScore of one candidate against one reference, from their token embeddings. */
export function bertScoreFromEmbeddings(candidate: readonly Float32Array[], reference: readonly Float32Array[]): BertScore {
    if (candidate.length === 0 || reference.length === 0) {
        // bert-score warns and returns 0 for an empty side.
        return { precision: 0, recall: 0, f1: 0 };
    }
    const c = normalized(candidate);
    const r = normalized(reference);
    const bestForCand = new Array<number>(c.length).fill(-Infinity);
    const bestForRef = new Array<number>(r.length).fill(-Infinity);
    for (let i = 0; i < c.length; i++) {
        for (let j = 0; j < r.length; j++) {
            const s = dot(c[i]!, r[j]!);
            if (s > bestForCand[i]!) {
                bestForCand[i] = s;
            }
            if (s > bestForRef[j]!) {
                bestForRef[j] = s;
            }
        }
    }
    const precision = bestForCand.reduce((a, b) => a + b, 0) / c.length;
    const recall = bestForRef.reduce((a, b) => a + b, 0) / r.length;
    const f1 = precision + recall !== 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1 };
}

/** Scores parallel candidate/reference lists with one embedder call per side. */
export async function bertScore(candidates: readonly string[], references: readonly string[], embedder: TokenEmbedder): Promise<BertScore[]> {
    if (candidates.length !== references.length) {
        throw new RangeError(`candidates (${candidates.length}) and references (${references.length}) differ in length`);
    }
    const [cand, ref] = [await embedder.embed(candidates), await embedder.embed(references)];
    return candidates.map((_, i) => bertScoreFromEmbeddings(cand[i] ?? [], ref[i] ?? []));
}
