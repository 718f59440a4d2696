/**
 * A BERT encoder (Hugging Face BertModel: post-LayerNorm transformer, learned absolute positions, token-type 0,
 * GELU (erf) feed-forward) loaded from a local directory (config.json + model.safetensors, F32/F16/BF16), run
 * forward in plain float32 TypeScript, llm.c style: outputs first, sizes last. BERTScore reads one hidden layer,
 * so `forward` stops after `layers` layers (0 = the embeddings' output, as hidden_states[0]).
 * Shapes: T tokens, C hidden, NH heads, HS = C / NH, F intermediate.
 * Weight names accept the bare BertModel layout and the `bert.` prefix of BertFor* checkpoints.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, FormatError } from "../../errors/MellamaError.js";
import { SafetensorsFile } from "../../formats/safetensors/SafetensorsFile.js";
import { readConfigValue } from "../../util/readConfigValue.js";
import { erfc } from "../metrics/erfc.js";

export interface BertConfig {
    hiddenSize: number;
    nLayers: number;
    nHeads: number;
    intermediateSize: number;
    maxPositions: number;
    typeVocabSize: number;
    vocabSize: number;
    layerNormEps: number;
}

interface Linear { w: Float32Array; b: Float32Array }
interface Norm { g: Float32Array; b: Float32Array }
interface BertLayer { q: Linear; k: Linear; v: Linear; o: Linear; attnNorm: Norm; up: Linear; down: Linear; outNorm: Norm }

/** Largest sizes accepted from config.json (bert-large is 1024 / 24 / 4096 / 512). */
const LIMITS = { hiddenSize: 8192, nLayers: 128, intermediateSize: 65536, maxPositions: 65536, vocabSize: 1_000_000 };

export function readBertConfig(dir: string): BertConfig {
    const file = join(dir, "config.json");
    const raw = readConfigValue(file, "BERT config") as Record<string, unknown> | null;
    const int = (key: string, fallback?: number, max = Number.MAX_SAFE_INTEGER): number => {
        const v = raw?.[key] ?? fallback;
        if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > max) {
            throw new ConfigError(`${file}: ${key}`, `expected an integer in 1..${max}, got ${JSON.stringify(v)}`);
        }
        return v;
    };
    const act = raw?.hidden_act ?? "gelu";
    if (act !== "gelu") {
        throw new ConfigError(`${file}: hidden_act`, `only BERT's "gelu" (erf) is supported, got ${JSON.stringify(act)}`);
    }
    const config: BertConfig = {
        hiddenSize: int("hidden_size", undefined, LIMITS.hiddenSize), nLayers: int("num_hidden_layers", undefined, LIMITS.nLayers),
        nHeads: int("num_attention_heads"), intermediateSize: int("intermediate_size", undefined, LIMITS.intermediateSize),
        maxPositions: int("max_position_embeddings", 512, LIMITS.maxPositions), typeVocabSize: int("type_vocab_size", 2),
        vocabSize: int("vocab_size", undefined, LIMITS.vocabSize),
        layerNormEps: typeof raw?.layer_norm_eps === "number" ? raw.layer_norm_eps : 1e-12,
    };
    if (config.hiddenSize % config.nHeads !== 0) {
        throw new ConfigError(`${file}: num_attention_heads`, `${config.nHeads} does not divide hidden_size ${config.hiddenSize}`);
    }
    return config;
}

export class BertModel {
    private readonly wordEmb: Float32Array;
    private readonly posEmb: Float32Array;
    private readonly typeEmb: Float32Array;
    private readonly embNorm: Norm;
    private readonly layers: BertLayer[] = [];

    private constructor(public readonly config: BertConfig, read: (name: string, size: number) => Float32Array) {
        const { hiddenSize: C, intermediateSize: F } = config;
        this.wordEmb = read("embeddings.word_embeddings.weight", config.vocabSize * C);
        this.posEmb = read("embeddings.position_embeddings.weight", config.maxPositions * C);
        this.typeEmb = read("embeddings.token_type_embeddings.weight", config.typeVocabSize * C);
        this.embNorm = { g: read("embeddings.LayerNorm.weight", C), b: read("embeddings.LayerNorm.bias", C) };
        const linear = (p: string, out: number, inp: number): Linear => ({ w: read(`${p}.weight`, out * inp), b: read(`${p}.bias`, out) });
        for (let l = 0; l < config.nLayers; l++) {
            const p = `encoder.layer.${l}.`;
            this.layers.push({
                q: linear(`${p}attention.self.query`, C, C), k: linear(`${p}attention.self.key`, C, C), v: linear(`${p}attention.self.value`, C, C),
                o: linear(`${p}attention.output.dense`, C, C),
                attnNorm: { g: read(`${p}attention.output.LayerNorm.weight`, C), b: read(`${p}attention.output.LayerNorm.bias`, C) },
                up: linear(`${p}intermediate.dense`, F, C), down: linear(`${p}output.dense`, C, F),
                outNorm: { g: read(`${p}output.LayerNorm.weight`, C), b: read(`${p}output.LayerNorm.bias`, C) },
            });
        }
    }

    /** Loads config.json and model.safetensors from a directory (a BertModel or BertFor* checkpoint). */
    public static load(dir: string): BertModel {
        const config = readBertConfig(dir);
        const path = join(dir, "model.safetensors");
        if (!existsSync(path)) {
            throw new FormatError(path, "file", "no model.safetensors (convert a pytorch_model.bin with transformers' save_pretrained(safe_serialization=True))");
        }
        using file = SafetensorsFile.open(path);
        const prefix = file.has("bert.embeddings.word_embeddings.weight") ? "bert." : "";
        return new BertModel(config, (name, size) => {
            const full = prefix + name;
            if (!file.has(full)) {
                throw new FormatError(path, full, "missing tensor of a BertModel");
            }
            const data = file.readF32(full);
            if (data.length !== size) {
                throw new FormatError(path, full, `has ${data.length} values, the config says ${size}`);
            }
            return data;
        });
    }

    /** Builds a model from named tensors (tests). */
    public static fromTensors(config: BertConfig, tensors: ReadonlyMap<string, Float32Array>): BertModel {
        return new BertModel(config, (name, size) => {
            const t = tensors.get(name);
            if (t === undefined || t.length !== size) {
                throw new FormatError("<tensors>", name, t === undefined ? "missing" : `has ${t.length} values, expected ${size}`);
            }
            return t;
        });
    }

    /** out (T, C) = hidden state after `layers` encoder layers (hidden_states[layers]) for one unpadded sequence. */
    public forward(ids: readonly number[], layers: number): Float32Array {
        const c = this.config;
        const C = c.hiddenSize;
        const T = ids.length;
        if (T > c.maxPositions) {
            throw new RangeError(`${T} tokens exceed the model's ${c.maxPositions} positions`);
        }
        if (!(Number.isInteger(layers) && layers >= 0 && layers <= c.nLayers)) {
            throw new RangeError(`layer ${layers} is not in 0..${c.nLayers}`);
        }
        const x = new Float32Array(T * C);
        for (let t = 0; t < T; t++) {
            const id = ids[t]!;
            if (!(id >= 0 && id < c.vocabSize)) {
                throw new RangeError(`token id ${id} is outside the vocabulary 0..${c.vocabSize - 1}`);
            }
            for (let i = 0; i < C; i++) {
                x[t * C + i] = this.wordEmb[id * C + i]! + this.posEmb[t * C + i]! + this.typeEmb[i]!;
            }
        }
        layernormForward(x, x, this.embNorm, T, C, c.layerNormEps);
        const q = new Float32Array(T * C);
        const k = new Float32Array(T * C);
        const v = new Float32Array(T * C);
        const att = new Float32Array(T * C);
        const o = new Float32Array(T * C);
        const h = new Float32Array(T * c.intermediateSize);
        for (let l = 0; l < layers; l++) {
            const L = this.layers[l]!;
            linearForward(q, x, L.q, T, C, C);
            linearForward(k, x, L.k, T, C, C);
            linearForward(v, x, L.v, T, C, C);
            attentionForward(att, q, k, v, T, c.nHeads, C / c.nHeads);
            linearForward(o, att, L.o, T, C, C);
            for (let i = 0; i < T * C; i++) {
                o[i] = o[i]! + x[i]!;
            }
            layernormForward(x, o, L.attnNorm, T, C, c.layerNormEps);
            linearForward(h, x, L.up, T, C, c.intermediateSize);
            for (let i = 0; i < h.length; i++) {
                h[i] = gelu(h[i]!);
            }
            linearForward(o, h, L.down, T, c.intermediateSize, C);
            for (let i = 0; i < T * C; i++) {
                o[i] = o[i]! + x[i]!;
            }
            layernormForward(x, o, L.outNorm, T, C, c.layerNormEps);
        }
        return x;
    }
}

/** out (T, OC) = inp (T, IC) · Wᵀ + b, W (OC, IC) as PyTorch's nn.Linear stores it. */
function linearForward(out: Float32Array, inp: Float32Array, lin: Linear, T: number, IC: number, OC: number): void {
    for (let t = 0; t < T; t++) {
        for (let o = 0; o < OC; o++) {
            let s = lin.b[o]!;
            const w = o * IC;
            const x = t * IC;
            for (let i = 0; i < IC; i++) {
                s += inp[x + i]! * lin.w[w + i]!;
            }
            out[t * OC + o] = s;
        }
    }
}

/** out (T, C) = LayerNorm(inp) per row (biased variance, eps inside the square root); out may alias inp. */
function layernormForward(out: Float32Array, inp: Float32Array, n: Norm, T: number, C: number, eps: number): void {
    for (let t = 0; t < T; t++) {
        let mean = 0;
        for (let i = 0; i < C; i++) {
            mean += inp[t * C + i]!;
        }
        mean /= C;
        let variance = 0;
        for (let i = 0; i < C; i++) {
            const d = inp[t * C + i]! - mean;
            variance += d * d;
        }
        const rstd = 1 / Math.sqrt(variance / C + eps);
        for (let i = 0; i < C; i++) {
            out[t * C + i] = (inp[t * C + i]! - mean) * rstd * n.g[i]! + n.b[i]!;
        }
    }
}

/** Bidirectional multi-head attention over one unpadded sequence: softmax(q kᵀ / sqrt(HS)) v per head. */
function attentionForward(out: Float32Array, q: Float32Array, k: Float32Array, v: Float32Array, T: number, NH: number, HS: number): void {
    const C = NH * HS;
    const scale = 1 / Math.sqrt(HS);
    const p = new Float64Array(T);
    for (let h = 0; h < NH; h++) {
        for (let t = 0; t < T; t++) {
            let max = -Infinity;
            for (let s = 0; s < T; s++) {
                let dot = 0;
                for (let i = 0; i < HS; i++) {
                    dot += q[t * C + h * HS + i]! * k[s * C + h * HS + i]!;
                }
                p[s] = dot * scale;
                max = Math.max(max, p[s]!);
            }
            let sum = 0;
            for (let s = 0; s < T; s++) {
                p[s] = Math.exp(p[s]! - max);
                sum += p[s]!;
            }
            for (let i = 0; i < HS; i++) {
                let acc = 0;
                for (let s = 0; s < T; s++) {
                    acc += p[s]! * v[s * C + h * HS + i]!;
                }
                out[t * C + h * HS + i] = acc / sum;
            }
        }
    }
}

/** BERT's exact GELU: x Φ(x) = x erfc(-x / √2) / 2 (erfc to ~1e-15). */
function gelu(x: number): number {
    return 0.5 * x * erfc(-x / Math.SQRT2);
}
