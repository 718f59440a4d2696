/**
 * openModel and the loaders behind it: every format gives the same model (config, HF names and shapes, q/k rows
 * back in HF order), and hostile or wrong inputs are refused with a FormatError naming the file and field before
 * anything is allocated: counts beyond what the tensors hold, duplicate names, FIFOs, shard names leaving the
 * directory, PyTorch pickles, models larger than memory, shapes that do not match.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { FormatError } from "../../../src/errors/MellamaError.js";
import { GgufFile } from "../../../src/formats/gguf/GgufFile.js";
import { GgmlType, type GgufValue, GgufValueType } from "../../../src/formats/gguf/ggufTypes.js";
import { writeGguf } from "../../../src/formats/gguf/writeGguf.js";
import { exportModel } from "../../../src/formats/hf/exportModel.js";
import { writeHfCheckpoint } from "../../../src/formats/hf/writeHfCheckpoint.js";
import { openModel } from "../../../src/formats/model/openModel.js";
import { f32ArrayToF16 } from "../../../src/formats/quant/halfFloat.js";
import { referenceKernels } from "../../../src/kernels/reference/index.js";
import type { LlamaConfig } from "../../../src/model/LlamaConfig.js";
import { LlamaModel } from "../../../src/model/LlamaModel.js";
import { loadInferenceWeights } from "../../../src/model/inference/loadInferenceWeights.js";
import { loadWeights } from "../../../src/model/loadWeights.js";
import { loadTokenizer } from "../../../src/tokenizer/loadTokenizer.js";

const tokPath = fileURLToPath(new URL("../../fixtures/tokenizer/llama_like.model", import.meta.url));
const tokenizer = loadTokenizer(tokPath);
const config: LlamaConfig = { dim: 64, nLayers: 2, nHeads: 4, nKvHeads: 2, hiddenDim: 96,
    vocabSize: tokenizer.vocabSize, maxSeqLen: 64, normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false };
const dir = mkdtempSync(join(tmpdir(), "mellama-open-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const model = new LlamaModel({ config, kernels: referenceKernels, maxBatch: 1, training: false });
model.initWeights(3, 0.3);
const hfDir = join(dir, "hf");
writeHfCheckpoint({ dir: hfDir, config, tensors: model.layout.map((s) => ({ name: s.hfName, shape: s.shape,
    data: () => model.tensor(s.name) })), bosTokenId: 1, eosTokenId: 2 });
copyFileSync(tokPath, join(hfDir, "tokenizer.model"));
const f16Gguf = join(dir, "m-f16.gguf");
exportModel({ from: hfDir, to: "gguf", out: f16Gguf, type: "f16" });

const isFormatError = (pattern: RegExp) => (e: unknown): boolean => e instanceof FormatError && pattern.test(e.message);

test("an HF directory and its F16 GGUF open as the same model; GGUF q/k rows come back in HF order", () => {
    using hf = openModel(hfDir);
    using gg = openModel(f16Gguf);
    assert.equal(hf.format, "hf");
    assert.equal(gg.format, "gguf");
    assert.deepEqual(gg.config, hf.config);
    assert.deepEqual([...gg.tensors.keys()].sort(), [...hf.tensors.keys()].sort());
    assert.equal(gg.tokenizer?.encode("The patient has a fever").join(), hf.tokenizer?.encode("The patient has a fever").join());
    for (const name of ["model.layers.1.self_attn.q_proj.weight", "model.layers.0.self_attn.k_proj.weight", "model.layers.0.mlp.down_proj.weight"]) {
        const a = hf.tensors.get(name)!;
        const b = gg.tensors.get(name)!;
        assert.deepEqual(b.shape, a.shape, name);
        assert.equal(b.storage, "F16");
        // The stored F16 bits, read by position and un-permuted, are exactly the HF tensor rounded to F16.
        assert.deepEqual(b.readBytes(), new Uint8Array(f32ArrayToF16(a.readF32()).buffer), name);
    }
    assert.equal(gg.weightBytes, [...gg.tensors.values()].reduce((n, t) => n + t.byteSize, 0));
});

test("a run directory opens its latest complete checkpoint; a run without one is refused", () => {
    const run = join(dir, "run");
    const step = join(run, "checkpoints", "step-00000004");
    mkdirSync(step, { recursive: true });
    for (const f of ["config.json", "model.safetensors", "tokenizer.model"]) {
        copyFileSync(join(hfDir, f), join(step, f));
    }
    assert.throws(() => openModel(run), isFormatError(/no complete checkpoint/));
    writeFileSync(join(step, "training_state.json"), "{}");
    writeFileSync(join(run, "checkpoints", "latest"), "step-00000004\n");
    using m = openModel(run);
    assert.equal(m.format, "checkpoint");
    assert.equal(m.dir, step);
});

/** A llama GGUF of `config`'s metadata (overridden by `meta`) holding `tensors` F32 tensors of any shape. */
function craftGguf(name: string, meta: Record<string, number>, tensors: { name: string; dims: number[] }[]): string {
    const u32 = (value: number): GgufValue => ({ type: GgufValueType.UINT32, value });
    const m = new Map<string, GgufValue>([
        ["general.architecture", { type: GgufValueType.STRING, value: "llama" }],
        ["llama.block_count", u32(1)], ["llama.context_length", u32(64)], ["llama.embedding_length", u32(32)],
        ["llama.feed_forward_length", u32(64)], ["llama.attention.head_count", u32(4)], ["llama.attention.head_count_kv", u32(4)],
        ["llama.attention.layer_norm_rms_epsilon", { type: GgufValueType.FLOAT32, value: 1e-5 }], ["llama.vocab_size", u32(16)],
    ]);
    for (const [k, v] of Object.entries(meta)) {
        m.set(k, u32(v));
    }
    const path = join(dir, name);
    writeGguf(path, { metadata: m, tensors: tensors.map((t) => ({ name: t.name, type: GgmlType.F32, dims: t.dims,
        data: new Uint8Array(t.dims.reduce((a, b) => a * b, 1) * 4) })) });
    return path;
}

const ONE_LAYER = [
    { name: "token_embd.weight", dims: [32, 16] }, { name: "output_norm.weight", dims: [32] }, { name: "output.weight", dims: [32, 16] },
    ...["attn_norm", "ffn_norm"].map((n) => ({ name: `blk.0.${n}.weight`, dims: [32] })),
    ...["attn_q", "attn_k", "attn_v", "attn_output"].map((n) => ({ name: `blk.0.${n}.weight`, dims: [32, 32] })),
    { name: "blk.0.ffn_gate.weight", dims: [32, 64] }, { name: "blk.0.ffn_up.weight", dims: [32, 64] }, { name: "blk.0.ffn_down.weight", dims: [64, 32] },
];

test("crafted GGUFs: block_count, vocabulary and context beyond what the tensors hold are refused at once", () => {
    const ok = craftGguf("ok.gguf", {}, ONE_LAYER);
    using m = openModel(ok);
    assert.equal(m.config.nLayers, 1);
    const start = performance.now();
    assert.throws(() => openModel(craftGguf("layers.gguf", { "llama.block_count": 1_000_000 }, ONE_LAYER)), isFormatError(/llama\.block_count: 1000000, but the file holds tensors for 1 layers/));
    assert.ok(performance.now() - start < 2000, "refused before sizing anything by the count");
    assert.throws(() => openModel(craftGguf("vocab.gguf", { "llama.vocab_size": 32000 }, ONE_LAYER)), isFormatError(/llama\.vocab_size: 32000, but token_embd\.weight holds 16 rows/));
    assert.throws(() => openModel(craftGguf("ctx.gguf", { "llama.context_length": 2 ** 31 }, ONE_LAYER)), isFormatError(/llama\.context_length/));
    assert.throws(() => openModel(craftGguf("gap.gguf", { "llama.block_count": 2 }, [...ONE_LAYER, ...ONE_LAYER.filter((t) => t.name.startsWith("blk.0.")).map((t) => ({ ...t, name: t.name.replace("blk.0.", "blk.2.") }))])),
        isFormatError(/llama\.block_count/));
    // A tensor whose shape does not match the config is named with both shapes when it is loaded.
    const wrong = craftGguf("shape.gguf", {}, ONE_LAYER.map((t) => t.name === "blk.0.ffn_down.weight" ? { ...t, dims: [32, 64] } : t));
    using w = openModel(wrong);
    assert.throws(() => loadInferenceWeights(w), isFormatError(/model\.layers\.0\.mlp\.down_proj\.weight: shape \[64, 32\], the config needs \[32, 64\]/));
});

test("a GGUF with a duplicated tensor name is refused", () => {
    const path = craftGguf("dup.gguf", {}, [...ONE_LAYER, { name: "blk.0.attn_q.weight", dims: [32, 32] }]);
    assert.throws(() => openModel(path), isFormatError(/blk\.0\.attn_q\.weight: duplicate tensor name/));
});

test("an HF config with more layers than its tensors is refused before the layout is built", () => {
    const bad = join(dir, "hf-layers");
    mkdirSync(bad);
    for (const f of ["model.safetensors", "tokenizer.model"]) {
        copyFileSync(join(hfDir, f), join(bad, f));
    }
    const cfg = JSON.parse(readFileSync(join(hfDir, "config.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(join(bad, "config.json"), JSON.stringify({ ...cfg, num_hidden_layers: 1_000_000 }));
    using m = openModel(bad);
    const start = performance.now();
    assert.throws(() => loadInferenceWeights(m), isFormatError(/nLayers: the config says 1000000 layers, the file holds tensors for 2/));
    assert.ok(performance.now() - start < 2000);
});

test("FIFOs, shard names outside the directory, pickles and adapters are refused with what to do", () => {
    const fifo = join(dir, "model.gguf");
    execFileSync("mkfifo", [fifo]);
    assert.throws(() => openModel(fifo), isFormatError(/not a regular file/));
    // A FIFO where a shard should be, and a shard index that climbs out of the directory.
    const sharded = join(dir, "sharded");
    mkdirSync(sharded);
    copyFileSync(join(hfDir, "config.json"), join(sharded, "config.json"));
    execFileSync("mkfifo", [join(sharded, "model-00001-of-00001.safetensors")]);
    writeFileSync(join(sharded, "model.safetensors.index.json"), JSON.stringify({ weight_map: { "model.norm.weight": "model-00001-of-00001.safetensors" } }));
    assert.throws(() => openModel(sharded), isFormatError(/not a regular file/));
    writeFileSync(join(sharded, "model.safetensors.index.json"), JSON.stringify({ weight_map: { "model.norm.weight": "../hf/model.safetensors" } }));
    assert.throws(() => openModel(sharded), isFormatError(/is not a shard file name in this directory/));
    const pickle = join(dir, "pickle");
    mkdirSync(pickle);
    copyFileSync(join(hfDir, "config.json"), join(pickle, "config.json"));
    writeFileSync(join(pickle, "pytorch_model.bin"), "not read");
    assert.throws(() => openModel(pickle), isFormatError(/PyTorch pickles are not read.*save_pretrained\(OUT, safe_serialization=True\)/));
    const adapter = join(dir, "adapter");
    mkdirSync(adapter);
    writeFileSync(join(adapter, "adapter_config.json"), "{}");
    assert.throws(() => openModel(adapter), isFormatError(/LoRA adapter, not a model/));
    assert.throws(() => openModel(join(dir, "nothing-here")), isFormatError(/no such file or directory/));
});

test("a model larger than the memory available is refused before reading, with the sizes named", () => {
    using m = openModel(f16Gguf);
    assert.throws(() => loadInferenceWeights(m, { availableBytes: 1024 }), isFormatError(/holding this model takes 0\.0 GiB of weights.*but only 0\.0 GiB of memory is available/));
    const w = loadInferenceWeights(m);
    assert.equal(w.layers[0]!.qProj.type, "F16");
    assert.equal(w.embedTokens.type, "F16");
    // quantize on load: linear weights become Q8_0, the embedding stays as stored.
    const q = loadInferenceWeights(m, { quantize: "q8_0" });
    assert.equal(q.layers[1]!.downProj.type, "Q8_0");
    assert.equal(q.lmHead.type, "Q8_0");
    assert.equal(q.embedTokens.type, "F16");
    assert.ok(q.bytes < w.bytes);
});

test("loadWeights checks the model's shape against the file's", () => {
    using m = openModel(f16Gguf);
    const other = new LlamaModel({ config: { ...config, hiddenDim: 128 }, kernels: referenceKernels, maxBatch: 1, maxT: 4, training: false });
    assert.throws(() => loadWeights(other, m), isFormatError(/hiddenDim: the file's model has 96, this model needs 128/));
    const same = new LlamaModel({ config, kernels: referenceKernels, maxBatch: 1, maxT: 4, training: false });
    loadWeights(same, m);
    const d = same.tensor("layers.1.qProj").reduce((mx, v, i) => Math.max(mx, Math.abs(v - model.tensor("layers.1.qProj")[i]!)), 0);
    assert.ok(d < 1e-3, `F16 round trip of q_proj: ${d}`);
    using g = GgufFile.open(f16Gguf);
    assert.equal(g.info("blk.1.attn_q.weight").type, GgmlType.F16);
});
