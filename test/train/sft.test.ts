import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import type { LlamaConfig } from "../../src/model/LlamaConfig.js";
import { LlamaModel } from "../../src/model/LlamaModel.js";
import { loadLoraAdapter, mergeLora } from "../../src/model/lora/peftAdapter.js";
import { parseSftConfig } from "../../src/train/SftConfig.js";
import { sft } from "../../src/train/sft.js";
import { inMemoryModel } from "../../src/formats/model/inMemoryModel.js";

// Characters as tokens: id = code - 94 for 'a'..'z' (3..28), BOS 1, EOS 2, pad 0.
const tokenizer = {
    vocabSize: 32, bosId: 1, eosId: 2, padId: 0, hash: "chars", idToPiece: (id: number): string => ["<pad>", "<s>", "</s>"][id] ?? String.fromCharCode(id + 94),
    encode: (text: string, options?: { bos?: boolean }): number[] => [...(options?.bos ? [1] : []),
        ...[...text].map((c) => Math.min(31, Math.max(3, c.charCodeAt(0) - 94)))],
};
const baseConfig: LlamaConfig = { dim: 16, nLayers: 2, nHeads: 2, nKvHeads: 1, hiddenDim: 32, vocabSize: 32,
    maxSeqLen: 16, normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false };
const baseModel = new LlamaModel({ config: baseConfig, kernels: referenceKernels, maxBatch: 1, maxT: 16, training: false });
baseModel.initWeights(5, 0.2);
const weights = new Map(baseModel.layout.map((s) => [s.hfName, baseModel.tensor(s.name).slice()]));
const base = inMemoryModel({ path: "base", config: baseConfig, tensors: new Map(baseModel.layout.map((s) => [s.hfName, { shape: s.shape, data: weights.get(s.hfName)! }])) });
// Learn to answer each question letter with the next letter.
const examples = "abcdefghijklmnopqrstuvwx".split("").map((c) => ({ messages: [{ role: "user" as const, content: `q${c}` }, { role: "assistant" as const, content: String.fromCharCode(c.charCodeAt(0) + 1) }] }));

function config(output: string, extra: Record<string, unknown> = {}): ReturnType<typeof parseSftConfig> {
    return parseSftConfig({ output, base: "base", data: { train: "t.jsonl" }, seqLen: 8, microBatchSize: 4, gradAccum: 1, epochs: 6,
        lora: { r: 4, alpha: 8, dropout: 0.1 }, optimizer: { lr: 2e-2 }, kernels: "reference", template: "plain", checkpointEvery: 6, keepCheckpoints: 10, evalEvery: 6, ...extra });
}

test("LoRA SFT learns the responses, saves a PEFT adapter, and resumes bit for bit with dropout on", () => {
    const a = mkdtempSync(join(tmpdir(), "sft-"));
    const full = sft({ config: config(a), base, tokenizer, train: examples, validation: examples.slice(0, 8) });
    assert.equal(full.steps, 36);
    const log = readFileSync(join(a, "log.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { kind: string; loss: number });
    const losses = log.filter((e) => e.kind === "train").map((e) => e.loss);
    assert.ok(losses.slice(-6).reduce((x, y) => x + y) < losses.slice(0, 6).reduce((x, y) => x + y), "loss should fall");
    const adapterConfig = JSON.parse(readFileSync(join(full.checkpoint, "adapter_config.json"), "utf8")) as { target_modules: string[]; r: number };
    assert.equal(adapterConfig.r, 4);
    assert.deepEqual(adapterConfig.target_modules, ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]);

    const b = mkdtempSync(join(tmpdir(), "sft-"));
    sft({ config: config(b), base, tokenizer, train: examples, validation: examples.slice(0, 8) });
    for (const step of [24, 30, 36]) {
        rmSync(join(b, "checkpoints", `step-${String(step).padStart(8, "0")}`), { recursive: true });
    }
    writeFileSync(join(b, "checkpoints", "latest"), "gone\n");
    const resumed = sft({ config: config(b), base, tokenizer, train: examples, validation: examples.slice(0, 8), resume: true });
    assert.equal(resumed.resumedFrom, 18);
    assert.ok(readFileSync(join(resumed.checkpoint, "adapter_model.safetensors")).equals(readFileSync(join(full.checkpoint, "adapter_model.safetensors"))));
});

test("layout pack: several conversations per row, packing efficiency in the log, the loss falls, and resume is bit for bit", () => {
    // seqLen 16 (the base's context): each conversation is BOS q x answer EOS = 5 ids, 4 inputs, so 4 fit a row.
    const packConfig = (output: string): ReturnType<typeof parseSftConfig> => config(output, { layout: "pack", seqLen: 16, microBatchSize: 2, epochs: 8, checkpointEvery: 6 });
    const a = mkdtempSync(join(tmpdir(), "sft-pack-"));
    const full = sft({ config: packConfig(a), base, tokenizer, train: examples, validation: examples.slice(0, 8) });
    assert.equal(full.rows, 6, "24 conversations of 4 positions in rows of 16");
    assert.equal(full.packingEfficiency, 1);
    assert.equal(full.steps, 24);
    const log = readFileSync(join(a, "log.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { kind: string; loss: number; packingEfficiency?: number });
    const train = log.filter((e) => e.kind === "train");
    assert.ok(train.every((e) => e.packingEfficiency === 1), "every train entry reports the packing efficiency");
    const losses = train.map((e) => e.loss);
    assert.ok(losses.slice(-6).reduce((x, y) => x + y) < losses.slice(0, 6).reduce((x, y) => x + y), "loss should fall");
    const padded = sft({ config: config(mkdtempSync(join(tmpdir(), "sft-pad-")), { seqLen: 16, maxSteps: 1 }), base, tokenizer, train: examples });
    assert.equal(padded.packingEfficiency, 4 / 16, "pad reports the same measure");

    const b = mkdtempSync(join(tmpdir(), "sft-pack-"));
    sft({ config: packConfig(b), base, tokenizer, train: examples, validation: examples.slice(0, 8) });
    for (const step of [18, 24]) {
        rmSync(join(b, "checkpoints", `step-${String(step).padStart(8, "0")}`), { recursive: true });
    }
    writeFileSync(join(b, "checkpoints", "latest"), "gone\n");
    const resumed = sft({ config: packConfig(b), base, tokenizer, train: examples, validation: examples.slice(0, 8), resume: true });
    assert.equal(resumed.resumedFrom, 12);
    assert.ok(readFileSync(join(resumed.checkpoint, "adapter_model.safetensors")).equals(readFileSync(join(full.checkpoint, "adapter_model.safetensors"))));
    // A run resumed with the other layout is refused: the rows differ.
    assert.throws(() => sft({ config: config(b, { seqLen: 16, microBatchSize: 2, epochs: 8, checkpointEvery: 6 }), base, tokenizer, train: examples, resume: true }), /resume refused/);
});

test("a merged model's logits equal the base plus adapter's", () => {
    const out = mkdtempSync(join(tmpdir(), "sft-"));
    const trained = sft({ config: config(out, { maxSteps: 8 }), base, tokenizer, train: examples });
    const tokens = Int32Array.from(tokenizer.encode("qkl", { bos: true }));
    const T = tokens.length;
    const withAdapter = new LlamaModel({ config: baseConfig, kernels: referenceKernels, maxBatch: 1, maxT: 16, training: false });
    for (const s of withAdapter.layout) {
        withAdapter.tensor(s.name).set(weights.get(s.hfName)!);
    }
    const adapters = loadLoraAdapter(trained.checkpoint, withAdapter);
    withAdapter.forward(tokens, null, 1, T);
    const expected = withAdapter.logits.slice(0, T * 32);
    mergeLora(withAdapter, adapters);
    withAdapter.forward(tokens, null, 1, T);
    const merged = withAdapter.logits.subarray(0, T * 32);
    let maxDiff = 0;
    for (let i = 0; i < expected.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(merged[i]! - expected[i]!));
    }
    assert.ok(maxDiff < 1e-4, `merged logits differ by ${maxDiff}`);
    // The adapter changed the model.
    const plain = new LlamaModel({ config: baseConfig, kernels: referenceKernels, maxBatch: 1, maxT: 16, training: false });
    for (const s of plain.layout) {
        plain.tensor(s.name).set(weights.get(s.hfName)!);
    }
    plain.forward(tokens, null, 1, T);
    assert.ok(plain.logits.subarray(0, T * 32).some((x, i) => Math.abs(x - expected[i]!) > 1e-3));
});
