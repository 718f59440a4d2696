/**
 * exportModel end to end on a tiny GQA LLaMA with a real SentencePiece tokenizer: HF -> GGUF (llama.cpp names,
 * q/k permuted, norms F32, Q8_0 fallback) -> HF again (weights bit-identical at f32, tokenizer rebuilt and
 * encoding the same), and HF -> sharded HF in bf16.
 */
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { GgufFile } from "../../src/formats/gguf/GgufFile.js";
import { GgmlType, GgufValueType } from "../../src/formats/gguf/ggufTypes.js";
import { permuteQkToGguf } from "../../src/formats/gguf/permuteQk.js";
import { exportModel } from "../../src/formats/hf/exportModel.js";
import { HfCheckpoint } from "../../src/formats/hf/HfCheckpoint.js";
import { writeHfCheckpoint } from "../../src/formats/hf/writeHfCheckpoint.js";
import { f32ArrayToBf16, bf16ArrayToF32 } from "../../src/formats/quant/halfFloat.js";
import type { LlamaConfig } from "../../src/model/LlamaConfig.js";
import { parameterLayout } from "../../src/model/parameterLayout.js";
import { loadSentencePieceTokenizer } from "../../src/tokenizer/loadTokenizer.js";

const dir = mkdtempSync(join(tmpdir(), "mellama-export-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const tokenizerModel = new URL("../fixtures/tokenizer/llama_like.model", import.meta.url).pathname;
const tokenizer = loadSentencePieceTokenizer(tokenizerModel);

// hiddenDim 80: down_proj rows have 80 values, not a multiple of 32, so Q8_0 falls back to F16 there.
const config: LlamaConfig = { dim: 64, nLayers: 2, nHeads: 4, nKvHeads: 2, hiddenDim: 80,
    vocabSize: tokenizer.vocabSize, maxSeqLen: 128, normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false };
const weights = new Map(parameterLayout(config).map((s) => {
    let x = s.offset + 1;
    return [s.hfName, { shape: s.shape, data: Float32Array.from({ length: s.size },
        () => { x = (x * 1103515245 + 12345) % 2 ** 31; return x / 2 ** 31 - 0.5; }) }];
}));

function makeHf(path: string): void {
    writeHfCheckpoint({ dir: path, config, tensors: [...weights].map(([name, w]) => ({ name, shape: w.shape,
        data: () => w.data })), bosTokenId: 1, eosTokenId: 2 });
    copyFileSync(tokenizerModel, join(path, "tokenizer.model"));
}

test("HF -> GGUF f32 -> HF: llama.cpp layout in between, identical weights and tokenizer after", () => {
    const hf = join(dir, "hf");
    makeHf(hf);
    const gguf = join(dir, "m.gguf");
    exportModel({ from: hf, to: "gguf", out: gguf, type: "f32", name: "tiny" });
    {
        using g = GgufFile.open(gguf);
        assert.equal(g.scalar("general.architecture"), "llama");
        assert.equal(g.scalar("general.name"), "tiny");
        assert.equal(g.metadata.get("llama.attention.head_count_kv")?.type, GgufValueType.UINT32);
        assert.equal(g.number("llama.attention.head_count_kv"), 2);
        assert.equal(g.number("llama.rope.dimension_count"), 16);
        assert.equal(g.number("llama.feed_forward_length"), 80);
        assert.equal(g.number("general.file_type"), 0);
        assert.deepEqual(g.array("tokenizer.ggml.tokens"), tokenizer.model.pieces.map((p) => p.piece));
        assert.equal(g.scalar("tokenizer.ggml.model"), "llama");
        assert.equal(g.scalar("tokenizer.ggml.add_bos_token"), true);
        assert.deepEqual(g.tensors.slice(0, 3).map((t) => t.name), ["token_embd.weight", "blk.0.attn_norm.weight", "blk.0.attn_q.weight"]);
        assert.ok(g.has("output.weight") && g.has("output_norm.weight") && g.has("blk.1.ffn_down.weight"));
        assert.deepEqual(g.info("token_embd.weight").dims, [64, config.vocabSize]);
        assert.deepEqual(g.info("blk.0.attn_k.weight").dims, [64, 32]);
        const q = weights.get("model.layers.0.self_attn.q_proj.weight")!.data;
        assert.deepEqual(g.readF32("blk.0.attn_q.weight"), permuteQkToGguf(q, 64, 64, 4));
        const k = weights.get("model.layers.1.self_attn.k_proj.weight")!.data;
        assert.deepEqual(g.readF32("blk.1.attn_k.weight"), permuteQkToGguf(k, 32, 64, 2), "k permuted with n_head_kv");
        assert.deepEqual(g.readF32("blk.0.attn_v.weight"), weights.get("model.layers.0.self_attn.v_proj.weight")!.data);
    }
    const back = join(dir, "back");
    exportModel({ from: gguf, to: "hf", out: back, type: "f32" });
    using ck = HfCheckpoint.open(back);
    assert.deepEqual(ck.config, config, "f32 epsilon in GGUF comes back as the shortest decimal, 1e-5");
    for (const [name, w] of weights) {
        assert.deepEqual(ck.info(name).shape, w.shape, name);
        assert.deepEqual(ck.readF32(name), w.data, name);
    }
    const cfg = JSON.parse(readFileSync(join(back, "config.json"), "utf8")) as Record<string, unknown>;
    assert.deepEqual([cfg.architectures, cfg.model_type, cfg.torch_dtype, cfg.bos_token_id], [["LlamaForCausalLM"], "llama", "float32", 1]);
    const rebuilt = loadSentencePieceTokenizer(join(back, "tokenizer.model"));
    const text = "The patient has 2 fevers, naïve café ☃ and 頭痛.";
    assert.deepEqual(rebuilt.encode(text), tokenizer.encode(text));
    assert.ok(existsSync(join(back, "tokenizer.json")) && existsSync(join(back, "generation_config.json")));
});

test("Q8_0 GGUF: 2-D weights Q8_0, norms F32, rows not a multiple of 32 fall back to F16; values within d/2 plus the f16 rounding of d", () => {
    const hf = join(dir, "hfq");
    makeHf(hf);
    const gguf = join(dir, "q.gguf");
    exportModel({ from: hf, to: "gguf", out: gguf, type: "q8_0" });
    using g = GgufFile.open(gguf);
    assert.equal(g.number("general.file_type"), 7);
    assert.equal(g.info("blk.0.attn_q.weight").type, GgmlType.Q8_0);
    assert.equal(g.info("blk.0.attn_norm.weight").type, GgmlType.F32);
    assert.equal(g.info("blk.0.ffn_down.weight").type, GgmlType.F16);
    const v = weights.get("model.layers.0.mlp.up_proj.weight")!.data;
    const got = g.readF32("blk.0.ffn_up.weight");
    let max = 0;
    for (let i = 0; i < v.length; i++) {
        max = Math.max(max, Math.abs(got[i]! - v[i]!));
    }
    // |x| <= 0.5, so d <= 0.5/127: rounding q costs <= d/2, storing d as f16 costs <= |q| * d * 2^-11 <= 127 * d * 2^-11.
    const d = 0.5 / 127;
    assert.ok(max <= d / 2 + 127 * d * 2 ** -11, `max error ${max}`);
});

test("HF -> HF bf16 in shards: index with total_size and weight_map, values rounded as PyTorch's bfloat16", () => {
    const hf = join(dir, "hfs");
    makeHf(hf);
    const out = join(dir, "sharded");
    mkdirSync(out);
    exportModel({ from: hf, to: "hf", out, type: "bf16", maxShardBytes: 20_000 });
    const index = JSON.parse(readFileSync(join(out, "model.safetensors.index.json"), "utf8")) as { metadata: { total_size: number }; weight_map: Record<string, string> };
    const total = [...weights.values()].reduce((a, w) => a + w.data.length * 2, 0);
    assert.equal(index.metadata.total_size, total);
    const shards = new Set(Object.values(index.weight_map));
    assert.ok(shards.size > 2);
    assert.ok([...shards].every((s) => /^model-\d{5}-of-\d{5}\.safetensors$/.test(s)));
    assert.ok(existsSync(join(out, "tokenizer.model")));
    using ck = HfCheckpoint.open(out);
    for (const [name, w] of weights) {
        assert.deepEqual(ck.readF32(name), bf16ArrayToF32(f32ArrayToBf16(w.data)), name);
    }
    assert.throws(() => exportModel({ from: hf, to: "hf", out, type: "q8_0" }), /type: q8_0 is a GGUF type/);
});

test("a sharded checkpoint whose index names a tensor its shard lacks is refused, naming the index field", async () => {
    const { writeFileSync } = await import("node:fs");
    const out = join(dir, "badindex");
    writeHfCheckpoint({ dir: out, config, maxShardBytes: 20_000, tensors: [...weights].map(([name, w]) => ({ name, shape: w.shape, data: () => w.data })) });
    const path = join(out, "model.safetensors.index.json");
    const index = JSON.parse(readFileSync(path, "utf8")) as { weight_map: Record<string, string> };
    index.weight_map["model.norm.weight"] = index.weight_map["model.embed_tokens.weight"]!;
    writeFileSync(path, JSON.stringify(index));
    assert.throws(() => HfCheckpoint.open(out), /model\.safetensors\.index\.json: weight_map\.model\.norm\.weight: is not in model-00001/);
    index.weight_map["model.norm.weight"] = "../../etc/passwd";
    writeFileSync(path, JSON.stringify(index));
    assert.throws(() => HfCheckpoint.open(out), /weight_map\.model\.norm\.weight: "\.\.\/\.\.\/etc\/passwd" is not a shard file name/);
});

test("GGUF -> GGUF retyping equals exporting from the HF original (the GGUF reader inverts everything the writer does)", () => {
    const hf = join(dir, "hfr");
    makeHf(hf);
    const f32 = join(dir, "r32.gguf");
    exportModel({ from: hf, to: "gguf", out: f32, type: "f32", name: "same" });
    const viaGguf = join(dir, "r-via-gguf.gguf");
    const direct = join(dir, "r-direct.gguf");
    exportModel({ from: f32, to: "gguf", out: viaGguf, type: "q8_0", name: "same" });
    exportModel({ from: hf, to: "gguf", out: direct, type: "q8_0", name: "same" });
    assert.deepEqual(readFileSync(viaGguf), readFileSync(direct));
});
