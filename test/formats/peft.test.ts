import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { FormatError } from "../../src/errors/MellamaError.js";
import { GgufFile } from "../../src/formats/gguf/GgufFile.js";
import { GgmlType } from "../../src/formats/gguf/ggufTypes.js";
import { permuteQkToGguf } from "../../src/formats/gguf/permuteQk.js";
import { exportLoraGguf } from "../../src/formats/peft/loraToGguf.js";
import { type PeftAdapter, readPeftAdapter, writePeftAdapter } from "../../src/formats/peft/peftAdapter.js";
import type { LlamaConfig } from "../../src/model/LlamaConfig.js";

const dir = mkdtempSync(join(tmpdir(), "mellama-peft-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const config: LlamaConfig = { dim: 16, nLayers: 1, nHeads: 4, nKvHeads: 2, hiddenDim: 32, vocabSize: 10, maxSeqLen: 8,
    normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false };
const seq = (n: number, k: number): Float32Array => Float32Array.from({ length: n }, (_, i) => (i * 7 + k) % 11 - 5);
const adapter: PeftAdapter = {
    r: 2, alpha: 16, dropout: 0.05, targetModules: ["q_proj", "k_proj", "v_proj"], baseModel: null,
    pairs: [
        { module: "model.layers.0.self_attn.q_proj", inFeatures: 16, outFeatures: 16, a: seq(32, 1), b: seq(32, 2) },
        { module: "model.layers.0.self_attn.k_proj", inFeatures: 16, outFeatures: 8, a: seq(32, 3), b: seq(16, 4) },
        { module: "model.layers.0.self_attn.v_proj", inFeatures: 16, outFeatures: 8, a: seq(32, 5), b: seq(16, 6) },
    ],
};

test("PEFT layout: read(write(x)) equals x", () => {
    const out = join(dir, "adapter");
    writePeftAdapter(out, adapter);
    assert.deepEqual(readPeftAdapter(out), adapter);
});

test("GGUF LoRA as convert_lora_to_gguf writes it: adapter keys, .lora_a/.lora_b names and dims, lora_b of q/k permuted", () => {
    const out = join(dir, "lora.gguf");
    exportLoraGguf({ adapter, config, out, type: "f32" });
    using g = GgufFile.open(out);
    assert.deepEqual([g.scalar("general.type"), g.scalar("adapter.type"), g.scalar("adapter.lora.alpha"), g.scalar("general.architecture")], ["adapter", "lora", 16, "llama"]);
    assert.deepEqual(g.tensors.map((t) => [t.name, t.dims, t.type]), [
        ["blk.0.attn_q.weight.lora_a", [16, 2], GgmlType.F32], ["blk.0.attn_q.weight.lora_b", [2, 16], GgmlType.F32],
        ["blk.0.attn_k.weight.lora_a", [16, 2], GgmlType.F32], ["blk.0.attn_k.weight.lora_b", [2, 8], GgmlType.F32],
        ["blk.0.attn_v.weight.lora_a", [16, 2], GgmlType.F32], ["blk.0.attn_v.weight.lora_b", [2, 8], GgmlType.F32],
    ]);
    assert.deepEqual(g.readF32("blk.0.attn_q.weight.lora_a"), adapter.pairs[0]!.a);
    assert.deepEqual(g.readF32("blk.0.attn_q.weight.lora_b"), permuteQkToGguf(adapter.pairs[0]!.b, 16, 2, 4));
    assert.deepEqual(g.readF32("blk.0.attn_k.weight.lora_b"), permuteQkToGguf(adapter.pairs[1]!.b, 8, 2, 2));
    assert.deepEqual(g.readF32("blk.0.attn_v.weight.lora_b"), adapter.pairs[2]!.b);
});

test("bad adapters: typed errors naming the file and field", () => {
    const out = join(dir, "bad");
    writePeftAdapter(out, adapter);
    writeFileSync(join(out, "adapter_config.json"), JSON.stringify({ peft_type: "LORA", r: 0, lora_alpha: 1 }));
    assert.throws(() => readPeftAdapter(out), (e: unknown) => e instanceof FormatError && /adapter_config\.json: r: must be a positive integer/.test(e.message));
    writeFileSync(join(out, "adapter_config.json"), JSON.stringify({ peft_type: "LORA", r: 4, lora_alpha: 1 }));
    assert.throws(() => readPeftAdapter(out), /q_proj: lora_A \[2,16\].*r = 4/);
    writeFileSync(join(out, "adapter_config.json"), JSON.stringify({ peft_type: "PREFIX_TUNING" }));
    assert.throws(() => readPeftAdapter(out), /peft_type/);
    assert.throws(() => readPeftAdapter(join(dir, "none")), /adapter_config\.json: file: missing/);
});

test("PEFT flags that change what an adapter computes are refused by name, never merged with the wrong arithmetic", () => {
    const out = join(dir, "flags");
    writePeftAdapter(out, adapter);
    const base = { peft_type: "LORA", r: 2, lora_alpha: 16, target_modules: ["q_proj", "k_proj", "v_proj"] };
    for (const [field, value] of [["use_rslora", "yes"], ["use_dora", true], ["fan_in_fan_out", true], ["layers_to_transform", [0]], ["bias", "all"]] as const) {
        writeFileSync(join(out, "adapter_config.json"), JSON.stringify({ ...base, [field]: value }));
        assert.throws(() => readPeftAdapter(out), (e: unknown) => e instanceof FormatError && e.message.includes(`adapter_config.json: ${field}:`), field);
    }
    // Their plain values are what PEFT writes by default and are accepted.
    writeFileSync(join(out, "adapter_config.json"), JSON.stringify({ ...base, use_rslora: false, use_dora: false, fan_in_fan_out: false, layers_to_transform: null, bias: "none" }));
    assert.equal(readPeftAdapter(out).pairs.length, 3);
    assert.equal(readPeftAdapter(out).useRslora, undefined);
    // use_rslora only changes the scale (alpha / √r), which the readers honour.
    writeFileSync(join(out, "adapter_config.json"), JSON.stringify({ ...base, use_rslora: true }));
    assert.equal(readPeftAdapter(out).useRslora, true);
});
