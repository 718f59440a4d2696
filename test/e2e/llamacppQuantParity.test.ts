/**
 * Parity of mellama with llama.cpp (node-llama-cpp, an optional dependency) on quantized GGUFs: a random GQA
 * LLaMA (rows of 256, so every K-quant applies) exported by mellama at q8_0, q2_k, q3_k_m, q4_k_m, q5_k_m, q6_k,
 * q5_0, q5_1, q4_0 and q4_1 (together every block type, through llama.cpp's mixtures) loads in llama.cpp; on four
 * prompts the next-token logits agree within 0.1 (logits ~20; both engines quantize the activations to 8 bits and
 * sum exact integers, so nearly always they agree to ~1e-5; the tolerance covers an activation quant that one
 * ulp of upstream difference rounds the other way, measured up to 0.062), and greedy generation of 64 tokens is
 * identical on every prompt. The model's layer weights are scaled down and its norm weights random (see below) so
 * that such flips move the logits little, and its lm_head is sharpened (sharpenLmHead) so that the top-2 margin
 * exceeds the tolerance at every greedy step; the test asserts that it does (measured: smallest margin ~2.9).
 * llama.cpp runs with an F32 KV cache and flash attention off (its defaults round K, V and Q to F16). Skipped,
 * with the reason, when node-llama-cpp or its prebuilt binary is unavailable.
 */
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { exportModel } from "../../src/formats/hf/exportModel.js";
import { writeHfCheckpoint } from "../../src/formats/hf/writeHfCheckpoint.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import type { LlamaConfig } from "../../src/model/LlamaConfig.js";
import { LlamaModel } from "../../src/model/LlamaModel.js";
import { loadForInference } from "../../src/model/inference/index.js";
import { loadSentencePieceTokenizer } from "../../src/tokenizer/loadTokenizer.js";
import { compareWithLlamaCpp, getLlama } from "./llamacppHarness.js";

const dir = mkdtempSync(join(tmpdir(), "mellama-qparity-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Max |logit difference| allowed per file type, and greedy tokens generated. */
const LAYER_SCALE = 0.05;
const TOL = 0.1;

/**
 * The lm_head made sharp: to each row pi(t) of a random permutation pi of the ordinary tokens is added SHARPNESS
 * times the unit direction of the final hidden state that token t alone gives (its embedding, RMS-normalized,
 * times the final norm weights: the layers, scaled down, move it little), over that state's norm. Greedy decoding
 * then follows pi with a top-2 margin near SHARPNESS minus the random logits' spread, far above the tolerance at
 * every step, while the random rows keep every other logit (and the compared distribution) model-dependent. Without
 * this, random models have near-tied steps (margins below the tolerance) in most 64-token runs, where two exact
 * engines may pick different tokens.
 */
const SHARPNESS = 40;

function sharpenLmHead(model: LlamaModel, config: LlamaConfig, special: number[]): void {
    const C = config.dim;
    const emb = model.tensor("embedTokens");
    const norm = model.tensor("norm");
    const head = model.tensor("lmHead");
    const ordinary = Array.from({ length: config.vocabSize }, (_, i) => i).filter((i) => !special.includes(i));
    const M = ordinary.length;
    let step = 7919 % M;
    while (gcd(step, M) !== 1) {
        step++;
    }
    ordinary.forEach((t, i) => {
        const target = ordinary[(i * step + 1) % M]!;
        const x = emb.subarray(t * C, (t + 1) * C);
        const rms = Math.sqrt(x.reduce((a, v) => a + v * v, 0) / C + config.normEps);
        const h = Array.from(x, (v, c) => (v / rms) * norm[c]!);
        const hh = h.reduce((a, v) => a + v * v, 0);
        h.forEach((v, c) => { head[target * C + c]! += (SHARPNESS * v) / hh; });
    });
}

function gcd(a: number, b: number): number {
    return b === 0 ? a : gcd(b, a % b);
}

const QUANT_PARITY: Record<string, { tolerance: number; greedy: number }> = {
    q8_0: { tolerance: TOL, greedy: 64 }, q2_k: { tolerance: TOL, greedy: 64 }, q3_k_m: { tolerance: TOL, greedy: 64 },
    q4_k_m: { tolerance: TOL, greedy: 64 }, q5_k_m: { tolerance: TOL, greedy: 64 }, q6_k: { tolerance: TOL, greedy: 64 },
    q5_0: { tolerance: TOL, greedy: 64 }, q5_1: { tolerance: TOL, greedy: 64 }, q4_0: { tolerance: TOL, greedy: 64 }, q4_1: { tolerance: TOL, greedy: 64 },
};

test("llama.cpp and mellama on mellama's quantized GGUFs: next-token logits and 64 greedy tokens", async (t) => {
    const llama = await getLlama();
    if (typeof llama === "string") {
        t.skip(llama);
        return;
    }
    const tokPath = fileURLToPath(new URL("../fixtures/tokenizer/llama_like.model", import.meta.url));
    const tok = loadSentencePieceTokenizer(tokPath);
    const config: LlamaConfig = {
        dim: 256, nLayers: 2, nHeads: 4, nKvHeads: 2, hiddenDim: 512, vocabSize: tok.vocabSize, maxSeqLen: 128, normEps: 1e-5, ropeTheta: 10000,
        tieEmbeddings: false,
    };
    const model = new LlamaModel({ config, kernels: referenceKernels, maxBatch: 1, training: false });
    model.initWeights(23, 0.3);
    // Norm weights random in [0.5, 1.5), not HF's ones: with unit norms a quantized embedding row times rstd puts
    // the activation quantizer exactly on rounding ties (levels of 127/8), and one ulp decides them.
    // Layer weights scaled down (the residual stream carries the embedding): an activation quant that flips on an
    // ulp of difference between the two engines then moves the logits little, so greedy margins hold.
    for (const s of model.layout.filter((l) => /proj/.test(l.hfName))) {
        model.tensor(s.name).forEach((v, i, t) => { t[i] = v * LAYER_SCALE; });
    }
    let r = 99;
    for (const s of model.layout.filter((l) => l.hfName.includes("norm"))) {
        model.tensor(s.name).forEach((_, i, t) => { r = (r * 16807) % 2147483647; t[i] = 0.5 + r / 2147483647; });
    }
    sharpenLmHead(model, config, [tok.bosId, tok.eosId, 0]);
    const hf = join(dir, "hf");
    writeHfCheckpoint({
        dir: hf, config, tensors: model.layout.map((s) => ({ name: s.hfName, shape: s.shape, data: () => model.tensor(s.name) })),
        bosTokenId: tok.bosId, eosTokenId: tok.eosId,
    });
    copyFileSync(tokPath, join(hf, "tokenizer.model"));
    try {
        for (const [type, { tolerance, greedy }] of Object.entries(QUANT_PARITY)) {
            const path = join(dir, `m-${type}.gguf`);
            exportModel({ from: hf, to: "gguf", out: path, type: type as "q4_0" });
            const mine = await loadForInference(path, { threads: 1 });
            try {
                await compareWithLlamaCpp(t, llama, path, mine, tok, { label: type, tolerance, greedyTokens: greedy });
            } finally {
                mine.dispose();
            }
        }
    } finally {
        await llama.dispose();
    }
});
