import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { exportModel } from "../../../src/formats/hf/exportModel.js";
import { writeHfCheckpoint } from "../../../src/formats/hf/writeHfCheckpoint.js";
import { nativeLoadError } from "../../../src/kernels/native/nativeKernels.js";
import { referenceKernels } from "../../../src/kernels/reference/index.js";
import type { LlamaConfig } from "../../../src/model/LlamaConfig.js";
import { LlamaModel } from "../../../src/model/LlamaModel.js";
import { openModel } from "../../../src/formats/model/openModel.js";
import { applyRepetitionPenalty, createInferenceSession, type InferenceSession, loadForInference } from "../../../src/model/inference/index.js";
import { loadTokenizer } from "../../../src/tokenizer/loadTokenizer.js";

const tokPath = fileURLToPath(new URL("../../fixtures/tokenizer/llama_like.model", import.meta.url));
const tokenizer = loadTokenizer(tokPath);
const config: LlamaConfig = { dim: 64, nLayers: 2, nHeads: 4, nKvHeads: 2, hiddenDim: 128,
    vocabSize: tokenizer.vocabSize, maxSeqLen: 64, normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false };
const dir = mkdtempSync(join(tmpdir(), "mellama-infer-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const model = new LlamaModel({ config, kernels: referenceKernels, maxBatch: 1, training: false });
model.initWeights(11, 0.3);
const weights = new Map(model.layout.map((s) => [s.hfName, Float32Array.from(model.tensor(s.name))]));
const hfDir = join(dir, "hf");
writeHfCheckpoint({ dir: hfDir, config, tensors: model.layout.map((s) => ({ name: s.hfName, shape: s.shape,
    data: () => model.tensor(s.name) })), bosTokenId: tokenizer.bosId, eosTokenId: tokenizer.eosId });
copyFileSync(tokPath, join(hfDir, "tokenizer.model"));

function fullForwardLogits(ids: number[]): Float32Array {
    model.forward(Int32Array.from(ids), null, 1, ids.length);
    return model.lastLogits.slice((ids.length - 1) * config.vocabSize, ids.length * config.vocabSize);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
    let m = 0;
    for (let i = 0; i < a.length; i++) {
        m = Math.max(m, Math.abs(a[i]! - b[i]!));
    }
    return m;
}

test("in-memory weights by HF name, an HF directory and an F32 GGUF give the training forward's logits", async () => {
    const ids = [tokenizer.bosId, ...tokenizer.encode("The patient has a fever and a cough")];
    const want = fullForwardLogits(ids);
    const mem = createInferenceSession({ config, weights, tokenizer }, { kernels: "reference" });
    assert.ok(maxAbsDiff(mem.logits(ids), want) < 1e-5);
    const hf = await loadForInference(hfDir, { kernels: "reference" });
    assert.ok(maxAbsDiff(hf.logits(ids), want) < 1e-5);
    const gguf = join(dir, "m.gguf");
    exportModel({ from: hfDir, to: "gguf", out: gguf, type: "f32" });
    const g = await loadForInference(gguf, { kernels: "reference" });
    assert.deepEqual(g.tokenizer.encode("The patient has a fever"), tokenizer.encode("The patient has a fever"), "tokenizer rebuilt from tokenizer.ggml.*");
    assert.ok(maxAbsDiff(g.logits(ids), want) < 1e-5, "q/k un-permuted back from the GGUF layout");
    const q8 = join(dir, "m-q8.gguf");
    exportModel({ from: hfDir, to: "gguf", out: q8, type: "q8_0" });
    const gq = await loadForInference(q8, { kernels: "reference" });
    const d = maxAbsDiff(gq.logits(ids), want);
    const scale = want.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    // Q8_0 keeps ~8 bits per weight: logits move by a few percent of their range at these random weights.
    assert.ok(d > 0 && d < 0.05 * scale, `Q8_0 dequantized logits are close, not equal (max abs diff ${d}, logit scale ${scale})`);
    const out = await g.generate("The patient", { maxTokens: 8 });
    assert.deepEqual(out, await hf.generate("The patient", { maxTokens: 8 }));
});

test("generateBatch equals separate generate calls; perplexity is exp(mean NLL)", async () => {
    const s = createInferenceSession({ config, weights: model, tokenizer }, { kernels: "reference" });
    const prompts = ["The patient", "A fever", "Chest pain and"];
    const batch = await s.generateBatch(prompts, { maxTokens: 6 });
    for (let i = 0; i < prompts.length; i++) {
        assert.deepEqual(batch[i], await s.generate(prompts[i]!, { maxTokens: 6 }));
    }
    const text = "The patient has a fever";
    const ids = tokenizer.encode(text, { bos: true });
    let nll = 0;
    for (let i = 1; i < ids.length; i++) {
        const l = fullForwardLogits(ids.slice(0, i));
        const max = Math.max(...l);
        nll -= l[ids[i]!]! - max - Math.log(l.reduce((a, v) => a + Math.exp(v - max), 0));
    }
    assert.ok(Math.abs(s.perplexity(text) - Math.exp(nll / (ids.length - 1))) < 1e-3);
});

test("repetition penalty: divides positive and multiplies negative logits of seen tokens, and changes greedy output", async () => {
    const l = Float32Array.from([2, -2, 1, 3]);
    applyRepetitionPenalty(l, new Set([0, 1]), 2);
    assert.deepEqual([...l], [1, -4, 1, 3]);
    const s = createInferenceSession({ config, weights: model, tokenizer }, { kernels: "reference" });
    const plain = await s.generate("The", { maxTokens: 24 });
    const penalised = await s.generate("The", { maxTokens: 24, repetitionPenalty: 5 });
    assert.notDeepEqual(penalised.tokens, plain.tokens);
    // With a strong penalty no generated token repeats unless every other token was pushed lower.
    assert.ok(new Set(penalised.tokens).size > new Set(plain.tokens).size || new Set(plain.tokens).size === plain.tokens.length);
});

test("an aborted signal stops generation; a missing tensor is a FormatError naming it", async () => {
    const s = createInferenceSession({ config, weights: model, tokenizer }, { kernels: "reference" });
    const ac = new AbortController();
    ac.abort();
    assert.equal((await s.generate("The", { maxTokens: 10, signal: ac.signal })).tokens.length, 0);
    const partial = new Map(weights);
    partial.delete("model.norm.weight");
    assert.throws(() => createInferenceSession({ config, weights: partial, tokenizer, source: "mem" }), /model\.norm\.weight/);
});

/** The model's tensors dequantized to F32 (q/k rows back in HF order), as an in-memory session: the definition the at-rest path must match. */
function dequantizedSession(path: string, kernels: "reference" | "auto"): InferenceSession {
    using source = openModel(path);
    const f32 = new Map([...source.tensors.values()].map((t) => [t.name, t.readF32()]));
    return createInferenceSession({ config: source.config, weights: f32, tokenizer }, { kernels, threads: 1 });
}

// Tolerances relative to the largest |logit|: Q8_0 kernels quantize the activations to 8 bits (as llama.cpp does);
// with this model's 64-wide rows (two blocks) that moves logits by a few percent; F16/BF16 differ only by rounding.
const AT_REST_TOL = { f16: 1e-5, bf16: 1e-5, q8_0: 5e-2 } as const;
const tolFor = (type: keyof typeof AT_REST_TOL, logits: Float32Array): number => AT_REST_TOL[type] * Math.max(1, ...Array.from(logits, Math.abs));

test("GGUF F16/BF16/Q8_0 weights run at rest (q/k rows un-permuted) with the logits of their F32 dequantization", async () => {
    const ids = [tokenizer.bosId, ...tokenizer.encode("Chest pain radiating to the left arm")];
    const long = [tokenizer.bosId, ...tokenizer.encode("The patient has a fever and chest pain radiating to the left arm since yesterday evening")];
    assert.ok(long.length > 16, "the long prompt must take the prefill (GEMM) path");
    for (const type of ["f16", "bf16", "q8_0"] as const) {
        const path = join(dir, `p-${type}.gguf`);
        exportModel({ from: hfDir, to: "gguf", out: path, type });
        for (const kernels of ["reference", "auto"] as const) {
            const atRest = await loadForInference(path, { kernels, threads: 1 });
            const f32 = dequantizedSession(path, kernels);
            for (const prompt of [ids, long]) {
                const want = f32.logits(prompt);
                const d = maxAbsDiff(atRest.logits(prompt), want);
                assert.ok(d < tolFor(type, want), `${type} ${kernels}: at rest vs dequantized, ${prompt.length} tokens: max abs diff ${d}`);
            }
            // Prefill in one GEMM batch and token by token agree.
            const oneByOne = atRest.createCache();
            let stepped: Float32Array = new Float32Array(0);
            long.forEach((t, i) => { stepped = atRest.step(Int32Array.of(t), i, oneByOne); });
            const prefilled = atRest.logits(long);
            assert.ok(maxAbsDiff(stepped, prefilled) < tolFor(type, prefilled), `${type} ${kernels}: prefill vs token by token`);
            if (type !== "q8_0") {
                assert.deepEqual((await atRest.generate("The patient", { maxTokens: 10 })).tokens, (await f32.generate("The patient", { maxTokens: 10 })).tokens);
            }
            atRest.dispose();
            f32.dispose();
        }
    }
});

test("weights mapped from the file give bitwise the logits of weights read into memory; MELLAMA_MMAP=0 and mmap: false read", async () => {
    const ggufPath = join(dir, "mapped-q8_0.gguf");
    exportModel({ from: hfDir, to: "gguf", out: ggufPath, type: "q8_0" });
    const prompt = [tokenizer.bosId, ...tokenizer.encode("Shortness of breath on exertion")];
    for (const path of [hfDir, ggufPath]) {
        const mapped = await loadForInference(path, { threads: 1 });
        const read = await loadForInference(path, { threads: 1, mmap: false });
        assert.deepEqual(mapped.logits(prompt), read.logits(prompt), path);
        mapped.dispose();
        read.dispose();
    }
    if (process.platform === "linux" && nativeLoadError() === null) {
        using source = openModel(ggufPath);
        const norm = source.tensors.get("model.norm.weight")!;
        const q = source.tensors.get("model.layers.0.self_attn.q_proj.weight")!;
        const view = source.tensors.get("model.layers.0.mlp.down_proj.weight")!.mapBytes();
        assert.ok(view !== null && readFileSync("/proc/self/maps", "utf8").includes(ggufPath), "the down projection is mapped from the file");
        assert.deepEqual(view, source.tensors.get("model.layers.0.mlp.down_proj.weight")!.readBytes());
        assert.equal(q.mapBytes(), null, "q rows are reordered from llama.cpp's layout: read, not mapped");
        assert.ok(norm.mapBytes() !== null);
        process.env.MELLAMA_MMAP = "0";
        try {
            assert.equal(norm.mapBytes(), null);
        } finally {
            delete process.env.MELLAMA_MMAP;
        }
    }
});
