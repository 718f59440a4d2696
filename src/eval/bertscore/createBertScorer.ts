/**
 * BERTScore (Zhang et al. 2020) with a real BERT encoder, as the bert-score package computes it:
 * - each sentence (stripped) is encoded as [CLS] pieces [SEP], cut to the model's length (512 at most), and
 *   represented by the hidden states of one layer: the package's model2layers table for known models
 *   (bert-base-multilingual-cased: 9, the paper's setting), or --bertscore-layer;
 * - token weights: 1 for every piece, or with idf, log((M + 1) / (df + 1)) over the M references of the call
 *   (df: references containing the piece); [CLS] and [SEP] weigh 0 either way, so they never count as matched
 *   tokens, though (as in the package) they may still be the best match of another token;
 * - greedy cosine matching: P = Σ_i w(c_i) max_j cos(c_i, r_j) / Σ_i w(c_i), R symmetrically, F = 2PR / (P + R)
 *   (0 when P + R is 0 or a side has no weighted token);
 * - baseline rescaling when a baseline file is given (the package's rescale_baseline/<lang>/<model>.tsv: a
 *   LAYER,P,R,F header and one row per layer): x' = (x - b) / (1 - b) with the row of the layer used.
 * Not replicated: the package's padding artefact (padded positions compare as cosine 0 inside a batch, so a token
 * whose true best match is negative scores 0 there, depending on batch composition).
 */
import { basename } from "node:path";
import { readFileSync } from "node:fs";
import { ConfigError, FormatError } from "../../errors/MellamaError.js";
import type { BertScore } from "../metrics/bertScore.js";
import { BertModel } from "./BertModel.js";
import { WordPieceTokenizer } from "./WordPieceTokenizer.js";

/** bert-score's model2layers for the BERT-family models this encoder runs. */
export const BERTSCORE_LAYERS: Readonly<Record<string, number>> = {
    "bert-base-uncased": 9, "bert-large-uncased": 18, "bert-base-cased-finetuned-mrpc": 9, "bert-base-multilingual-cased": 9,
    "bert-base-chinese": 8, "allenai/scibert_scivocab_uncased": 8, "allenai/scibert_scivocab_cased": 9,
    "nfliu/scibert_basevocab_uncased": 9,
};

export interface BertScorer {
    /** Model, layer, idf and baseline: what a BERTScore figure depends on. */
    readonly id: string;
    score(candidates: readonly string[], references: readonly string[]): Promise<BertScore[]>;
}

export interface BertScorerOptions {
    /** A local BERT directory: config.json, model.safetensors, vocab.txt or tokenizer.json. */
    dir: string;
    /** Layer whose hidden states are used; default from BERTSCORE_LAYERS by the directory's model name. */
    layer?: number;
    idf?: boolean;
    /** bert-score baseline file (LAYER,P,R,F) for rescaling. */
    baselineFile?: string;
}

/** The model name a directory stands for: config.json's _name_or_path, else the directory's name. */
function modelName(dir: string, raw: unknown): string {
    const named = (raw as { _name_or_path?: unknown } | null)?._name_or_path;
    return typeof named === "string" && named !== "" ? named : basename(dir.replace(/\/+$/u, ""));
}

export function readBaseline(file: string, layer: number): { P: number; R: number; F: number } {
    const lines = readFileSync(file, "utf8").split(/\r?\n/u).filter((l) => l.trim() !== "");
    const head = lines[0]?.split(",").map((s) => s.trim());
    if (head === undefined || head.join(",") !== "LAYER,P,R,F") {
        throw new FormatError(file, "line 1", "expected the header LAYER,P,R,F (bert-score's rescale_baseline format)");
    }
    for (const [i, line] of lines.slice(1).entries()) {
        const cells = line.split(",").map(Number);
        if (cells.length !== 4 || cells.some((c) => !Number.isFinite(c))) {
            throw new FormatError(file, `line ${i + 2}`, "expected four numbers LAYER,P,R,F");
        }
        if (cells[0] === layer) {
            return { P: cells[1]!, R: cells[2]!, F: cells[3]! };
        }
    }
    throw new FormatError(file, "LAYER", `no row for layer ${layer}`);
}

export function createBertScorer(options: BertScorerOptions): BertScorer {
    const model = BertModel.load(options.dir);
    const tokenizer = WordPieceTokenizer.load(options.dir);
    const raw = JSON.parse(readFileSync(`${options.dir}/config.json`, "utf8")) as unknown;
    const name = modelName(options.dir, raw);
    const layer = options.layer ?? BERTSCORE_LAYERS[name];
    if (layer === undefined) {
        throw new ConfigError("--bertscore-layer", `bert-score has no default layer for "${name}"; give one (known: ${Object.entries(BERTSCORE_LAYERS).map(([m, l]) => `${m} ${l}`).join(", ")})`);
    }
    if (!(Number.isInteger(layer) && layer >= 0 && layer <= model.config.nLayers)) {
        throw new ConfigError("--bertscore-layer", `layer ${layer} is not in 0..${model.config.nLayers} for ${name}`);
    }
    const baseline = options.baselineFile === undefined ? undefined : readBaseline(options.baselineFile, layer);
    const maxLength = Math.min(512, model.config.maxPositions);
    const idf = options.idf === true;
    return {
        id: `bertscore:${name};L${layer}${idf ? ";idf" : ""}${baseline === undefined ? "" : ";rescaled"}`,
        score: async (candidates, references) => {
            if (candidates.length !== references.length) {
                throw new RangeError(`candidates (${candidates.length}) and references (${references.length}) differ in length`);
            }
            const ids = (text: string): number[] => tokenizer.encodeForModel(text.trim(), maxLength);
            const weightOf = idf ? idfWeights(references.map(ids)) : (): number => 1;
            const cache = new Map<string, { emb: Float32Array; weights: number[] }>();
            const embed = (text: string): { emb: Float32Array; weights: number[] } => {
                let hit = cache.get(text);
                if (hit === undefined) {
                    const tokens = ids(text);
                    hit = { emb: normalizeRows(model.forward(tokens, layer), tokens.length, model.config.hiddenSize),
                        weights: tokens.map((t) => (t === tokenizer.clsId || t === tokenizer.sepId ? 0 : weightOf(t))) };
                    cache.set(text, hit);
                }
                return hit;
            };
            const out: BertScore[] = [];
            for (let i = 0; i < candidates.length; i++) {
                const s = greedyMatch(embed(candidates[i]!), embed(references[i]!), model.config.hiddenSize);
                out.push(baseline === undefined ? s
                    : { precision: (s.precision - baseline.P) / (1 - baseline.P),
                        recall: (s.recall - baseline.R) / (1 - baseline.R),
                        f1: (s.f1 - baseline.F) / (1 - baseline.F) });
                // The encoder is synchronous: let timers and I/O run between pairs.
                await new Promise<void>((resolveTurn) => setImmediate(resolveTurn));
            }
            return out;
        },
    };
}

/** bert-score's get_idf_dict: log((M + 1) / (df + 1)) per piece over the references' piece sets. */
export function idfWeights(references: readonly (readonly number[])[]): (id: number) => number {
    const df = new Map<number, number>();
    for (const ids of references) {
        for (const id of new Set(ids)) {
            df.set(id, (df.get(id) ?? 0) + 1);
        }
    }
    const M = references.length;
    return (id) => Math.log((M + 1) / ((df.get(id) ?? 0) + 1));
}

function normalizeRows(x: Float32Array, T: number, C: number): Float32Array {
    const out = new Float32Array(T * C);
    for (let t = 0; t < T; t++) {
        let n = 0;
        for (let i = 0; i < C; i++) {
            n += x[t * C + i]! * x[t * C + i]!;
        }
        const inv = 1 / Math.sqrt(n);
        for (let i = 0; i < C; i++) {
            out[t * C + i] = x[t * C + i]! * inv;
        }
    }
    return out;
}

/** Weighted greedy matching over unit rows. */
export function greedyMatch(cand: { emb: Float32Array; weights: readonly number[] },
    ref: { emb: Float32Array; weights: readonly number[] }, C: number): BertScore {
    const nc = cand.weights.length;
    const nr = ref.weights.length;
    const bestC = new Float64Array(nc).fill(-Infinity);
    const bestR = new Float64Array(nr).fill(-Infinity);
    for (let i = 0; i < nc; i++) {
        for (let j = 0; j < nr; j++) {
            let s = 0;
            for (let k = 0; k < C; k++) {
                s += cand.emb[i * C + k]! * ref.emb[j * C + k]!;
            }
            bestC[i] = Math.max(bestC[i]!, s);
            bestR[j] = Math.max(bestR[j]!, s);
        }
    }
    const weighted = (best: Float64Array, w: readonly number[]): number => {
        let num = 0;
        let den = 0;
        w.forEach((wi, i) => {
            num += wi * best[i]!;
            den += wi;
        });
        return den > 0 ? num / den : 0;
    };
    const precision = weighted(bestC, cand.weights);
    const recall = weighted(bestR, ref.weights);
    const f1 = precision + recall !== 0 ? (2 * precision * recall) / (precision + recall) : 0;
    return { precision, recall, f1 };
}
