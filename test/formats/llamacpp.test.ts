/**
 * The GGUF that `exportModel` writes runs in llama.cpp (through node-llama-cpp, an optional dependency) and
 * decodes exactly what mellama's own engine decodes: a random tiny GQA LLaMA (n_head 4, n_head_kv 2, so a wrong
 * q/k permutation or dims order changes the tokens), 12 greedy tokens, F32 and F16 exports. llama.cpp's
 * tokenizer, built from tokenizer.ggml.*, must also agree with mellama's. Skipped (with the reason) when
 * node-llama-cpp or its prebuilt binary is not available; BF16/Q8_0 are not compared token for token because
 * llama.cpp's CPU path also rounds the activations to those types.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { exportModel } from "../../src/formats/hf/exportModel.js";
import { writeHfCheckpoint } from "../../src/formats/hf/writeHfCheckpoint.js";
import { exportLoraGguf } from "../../src/formats/peft/loraToGguf.js";
import type { PeftAdapter } from "../../src/formats/peft/peftAdapter.js";
import { getKernelSet } from "../../src/kernels/index.js";
import type { LlamaConfig } from "../../src/model/LlamaConfig.js";
import { LlamaModel } from "../../src/model/LlamaModel.js";
import { loadTokenizer } from "../../src/tokenizer/loadTokenizer.js";
import { applyChatTemplate, type ChatMessage, CHAT_TEMPLATE_NAMES, CHAT_TEMPLATES, encodeChat } from "../../src/tokenizer/chatTemplates.js";

interface LlamaCpp {
    getLlama(o: Record<string, unknown>): Promise<{
        loadModel(o: { modelPath: string }): Promise<{
            tokenize(text: string, specialTokens?: boolean): number[];
            fileInfo: { metadata: { tokenizer?: { chat_template?: string } } };
            createContext(o: { contextSize: number; threads: number; lora?: { adapters: { filePath: string }[] } }): Promise<{
                getSequence(): { evaluate(tokens: number[], o: { temperature: number }): AsyncIterable<number> };
                dispose(): Promise<void>;
            }>;
            dispose(): Promise<void>;
        }>;
        dispose(): Promise<void>;
    }>;
}

const dir = mkdtempSync(join(tmpdir(), "mellama-llamacpp-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function loadLlamaCpp(): Promise<LlamaCpp | string> {
    try {
        const name = "node-llama-cpp"; // a variable keeps tsc from needing the optional package's types
        return await import(name) as LlamaCpp;
    } catch (error) {
        return `node-llama-cpp not installed (${(error as Error).message.split("\n")[0]})`;
    }
}

test("llama.cpp loads mellama's GGUF and greedy-decodes the same tokens (F32, F16)", async (t) => {
    const mod = await loadLlamaCpp();
    if (typeof mod === "string") {
        t.skip(mod);
        return;
    }
    let llama: Awaited<ReturnType<LlamaCpp["getLlama"]>>;
    try {
        llama = await mod.getLlama({ build: "never", gpu: false, logLevel: "error" });
    } catch (error) {
        t.skip(`no prebuilt llama.cpp binary (${(error as Error).message.split("\n")[0]})`);
        return;
    }
    const tokPath = new URL("../fixtures/tokenizer/llama_like.model", import.meta.url).pathname;
    const tok = loadTokenizer(tokPath);
    const config: LlamaConfig = { dim: 64, nLayers: 2, nHeads: 4, nKvHeads: 2, hiddenDim: 128, vocabSize: tok.vocabSize,
        maxSeqLen: 64, normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false };
    const model = new LlamaModel({ config, kernels: getKernelSet({ kind: "reference" }), maxBatch: 1, training: false });
    model.initWeights(3, 0.3);
    const hf = join(dir, "hf");
    writeHfCheckpoint({ dir: hf, config, tensors: model.layout.map((s) => ({ name: s.hfName, shape: s.shape,
        data: () => model.tensor(s.name) })), bosTokenId: tok.bosId, eosTokenId: tok.eosId });
    copyFileSync(tokPath, join(hf, "tokenizer.model"));
    const text = "The patient has a fever";
    const prompt = [tok.bosId, ...tok.encode(text)];
    const ids = [...prompt];
    for (let i = 0; i < 12; i++) {
        model.forward(Int32Array.from(ids), null, 1, ids.length);
        const logits = model.lastLogits.subarray((ids.length - 1) * config.vocabSize, ids.length * config.vocabSize);
        let best = 0;
        for (let v = 1; v < config.vocabSize; v++) {
            best = logits[v]! > logits[best]! ? v : best;
        }
        ids.push(best);
    }
    const want = ids.slice(prompt.length);
    try {
        for (const type of ["f32", "f16"] as const) {
            const path = join(dir, `m-${type}.gguf`);
            exportModel({ from: hf, to: "gguf", out: path, type });
            const lm = await llama.loadModel({ modelPath: path });
            assert.deepEqual(lm.tokenize(text), tok.encode(text), "llama.cpp's tokenizer from tokenizer.ggml.* agrees");
            // One thread: on a busy 2-core machine llama.cpp's spinning workers otherwise take ~20 s for 12 tokens.
            const ctx = await lm.createContext({ contextSize: 64, threads: 1 });
            const got: number[] = [];
            for await (const id of ctx.getSequence().evaluate(prompt, { temperature: 0 })) {
                got.push(id);
                if (got.length === want.length) {
                    break;
                }
            }
            assert.deepEqual(got, want, `${type}: llama.cpp vs mellama greedy tokens`);
            await ctx.dispose();
            await lm.dispose();
        }
    } finally {
        await llama.dispose();
    }
});

async function greedy(llama: Awaited<ReturnType<LlamaCpp["getLlama"]>>, modelPath: string, prompt: number[], n: number, lora?: string): Promise<number[]> {
    const lm = await llama.loadModel({ modelPath });
    const ctx = await lm.createContext({ contextSize: 64, threads: 1, ...(lora === undefined ? {} : { lora: { adapters: [{ filePath: lora }] } }) });
    const got: number[] = [];
    for await (const id of ctx.getSequence().evaluate(prompt, { temperature: 0 })) {
        got.push(id);
        if (got.length === n) {
            break;
        }
    }
    await ctx.dispose();
    await lm.dispose();
    return got;
}

test("llama.cpp: base GGUF + mellama's GGUF LoRA adapter decodes like the merged model (W + alpha/r·BA)", async (t) => {
    const mod = await loadLlamaCpp();
    if (typeof mod === "string") {
        t.skip(mod);
        return;
    }
    let llama: Awaited<ReturnType<LlamaCpp["getLlama"]>>;
    try {
        llama = await mod.getLlama({ build: "never", gpu: false, logLevel: "error" });
    } catch (error) {
        t.skip(`no prebuilt llama.cpp binary (${(error as Error).message.split("\n")[0]})`);
        return;
    }
    const tokPath = new URL("../fixtures/tokenizer/llama_like.model", import.meta.url).pathname;
    const config: LlamaConfig = { dim: 64, nLayers: 2, nHeads: 4, nKvHeads: 2, hiddenDim: 128,
        vocabSize: loadTokenizer(tokPath).vocabSize, maxSeqLen: 64, normEps: 1e-5, ropeTheta: 10000,
        tieEmbeddings: false };
    const model = new LlamaModel({ config, kernels: getKernelSet({ kind: "reference" }), maxBatch: 1, training: false });
    model.initWeights(5, 0.3);
    let x = 1;
    const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => { x = (x * 16807) % 2147483647; return x / 2147483647 - 0.5; });
    const r = 4;
    const adapter: PeftAdapter = { r, alpha: 8, dropout: 0, targetModules: ["q_proj", "k_proj", "v_proj", "o_proj"], baseModel: null, pairs: [] };
    const merged = new Map(model.layout.map((s) => [s.hfName, Float32Array.from(model.tensor(s.name))]));
    for (const s of model.layout.filter((l) => /self_attn\.[qkvo]_proj/.test(l.hfName))) {
        const [out, inF] = s.shape as [number, number];
        const a = rand(r * inF);
        const b = rand(out * r);
        adapter.pairs.push({ module: s.hfName.replace(/\.weight$/, ""), inFeatures: inF, outFeatures: out, a, b });
        const w = merged.get(s.hfName)!;
        for (let i = 0; i < out; i++) {
            for (let j = 0; j < inF; j++) {
                let acc = 0;
                for (let k = 0; k < r; k++) {
                    acc += b[i * r + k]! * a[k * inF + j]!;
                }
                w[i * inF + j]! += (adapter.alpha / r) * acc;
            }
        }
    }
    const write = (name: string, weights: (n: string) => Float32Array): string => {
        const d = join(dir, name);
        writeHfCheckpoint({ dir: d, config, tensors: model.layout.map((s) => ({ name: s.hfName, shape: s.shape, data: () => weights(s.hfName) })) });
        copyFileSync(tokPath, join(d, "tokenizer.model"));
        exportModel({ from: d, to: "gguf", out: `${d}.gguf`, type: "f32" });
        return `${d}.gguf`;
    };
    const base = write("base", (n) => model.tensor(model.layout.find((s) => s.hfName === n)!.name));
    const mergedPath = write("merged", (n) => merged.get(n)!);
    const lora = join(dir, "lora.gguf");
    exportLoraGguf({ adapter, config, out: lora, type: "f32" });
    const prompt = [1, 17, 42, 99, 7];
    try {
        const want = await greedy(llama, mergedPath, prompt, 12);
        const plain = await greedy(llama, base, prompt, 12);
        assert.notDeepEqual(plain, want, "the adapter must change the output for this test to mean anything");
        assert.deepEqual(await greedy(llama, base, prompt, 12, lora), want);
    } finally {
        await llama.dispose();
    }
});

test("llama.cpp reads the chat template a GGUF carries, and its tokens of the rendered chat are mellama's (every built-in template)", async (t) => {
    const mod = await loadLlamaCpp();
    if (typeof mod === "string") {
        t.skip(mod);
        return;
    }
    let llama: Awaited<ReturnType<LlamaCpp["getLlama"]>>;
    try {
        llama = await mod.getLlama({ build: "never", gpu: false, logLevel: "error" });
    } catch (error) {
        t.skip(`no prebuilt llama.cpp binary (${(error as Error).message.split("\n")[0]})`);
        return;
    }
    const tokPath = new URL("../fixtures/tokenizer/llama_like.model", import.meta.url).pathname;
    const tok = loadTokenizer(tokPath);
    const config: LlamaConfig = { dim: 32, nLayers: 1, nHeads: 2, nKvHeads: 1, hiddenDim: 64, vocabSize: tok.vocabSize,
        maxSeqLen: 64, normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false };
    const model = new LlamaModel({ config, kernels: getKernelSet({ kind: "reference" }), maxBatch: 1, training: false });
    model.initWeights(2, 0.3);
    const messages: ChatMessage[] = [{ role: "system", content: "Be brief." }, { role: "user", content: "The patient has a fever" },
        { role: "assistant", content: "Rest and fluids." }, { role: "user", content: "And then?" }];
    try {
        for (const name of CHAT_TEMPLATE_NAMES) {
            const hf = join(dir, `chat-${name}`);
            writeHfCheckpoint({ dir: hf, config, tensors: model.layout.map((s) => ({ name: s.hfName, shape: s.shape,
                data: () => model.tensor(s.name) })), bosTokenId: tok.bosId, eosTokenId: tok.eosId });
            copyFileSync(tokPath, join(hf, "tokenizer.model"));
            writeFileSync(join(hf, "tokenizer_config.json"), JSON.stringify({ chat_template: CHAT_TEMPLATES[name] }));
            const path = join(dir, `chat-${name}.gguf`);
            exportModel({ from: hf, to: "gguf", out: path, type: "f32" });
            const lm = await llama.loadModel({ modelPath: path });
            const template = lm.fileInfo.metadata.tokenizer?.chat_template;
            assert.equal(template, CHAT_TEMPLATES[name], `${name}: llama.cpp reads tokenizer.chat_template`);
            // llama-server's path: render the embedded template, then tokenize the text with special tokens parsed.
            const text = applyChatTemplate(messages, { template: { jinja: template! },
                bosToken: tok.idToPiece(tok.bosId), eosToken: tok.idToPiece(tok.eosId) });
            assert.deepEqual(lm.tokenize(text, true), encodeChat(tok, messages, { template: { jinja: template! } }), `${name}: llama.cpp vs mellama chat ids`);
            await lm.dispose();
        }
    } finally {
        await llama.dispose();
    }
});
