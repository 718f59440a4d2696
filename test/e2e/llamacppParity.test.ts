/**
 * Parity of mellama's inference session with llama.cpp (through node-llama-cpp, an optional dependency) on the
 * SAME GGUF file: a random GQA LLaMA exported by mellama at F32, F16 and Q8_0, loaded by both. On four prompts the
 * next-token logits after the prompt agree (logits ~10 in size; F32: max abs diff <= 1e-3, measured ~5e-6;
 * F16 <= 0.05 and Q8_0 <= 0.4, because mellama dequantizes the weights to F32 while llama.cpp also rounds the
 * activations), and greedy generation of 64 tokens is identical at F32. llama.cpp runs with an F32 KV cache and
 * flash attention off: its defaults round K, V and Q to F16 (~2e-3 logit differences), which mellama does not.
 * Skipped, with the reason, when node-llama-cpp or its prebuilt binary is unavailable.
 */
import assert from "node:assert/strict";
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
import { loadTokenizer } from "../../src/tokenizer/loadTokenizer.js";
import { type Llama, llamaCppNextLogits, maxLogitDiff } from "./llamacppHarness.js";

const dir = mkdtempSync(join(tmpdir(), "mellama-parity-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function getLlama(): Promise<Llama | string> {
    try {
        const name = "node-llama-cpp"; // a variable keeps tsc from needing the optional package's types
        const mod = await import(name) as { getLlama(o: Record<string, unknown>): Promise<Llama> };
        return await mod.getLlama({ build: "never", gpu: false, logLevel: "error" });
    } catch (error) {
        return `node-llama-cpp or its prebuilt binary is unavailable (${(error as Error).message.split("\n")[0]})`;
    }
}

const prompts = ["The patient has a fever", "Chest pain radiating to the left arm", "History of present illness:", "Diagnosis"];

test("llama.cpp and mellama on the same GGUF: next-token logits and 64 greedy tokens", async (t) => {
    const llama = await getLlama();
    if (typeof llama === "string") {
        t.skip(llama);
        return;
    }
    const tokPath = fileURLToPath(new URL("../fixtures/tokenizer/llama_like.model", import.meta.url));
    const tok = loadTokenizer(tokPath);
    const config: LlamaConfig = { dim: 64, nLayers: 2, nHeads: 4, nKvHeads: 2, hiddenDim: 128, vocabSize: tok.vocabSize,
        maxSeqLen: 128, normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false };
    const model = new LlamaModel({ config, kernels: referenceKernels, maxBatch: 1, training: false });
    model.initWeights(21, 0.3);
    const hf = join(dir, "hf");
    writeHfCheckpoint({ dir: hf, config, tensors: model.layout.map((s) => ({ name: s.hfName, shape: s.shape,
        data: () => model.tensor(s.name) })), bosTokenId: tok.bosId, eosTokenId: tok.eosId });
    copyFileSync(tokPath, join(hf, "tokenizer.model"));
    try {
        for (const [type, tol] of [["f32", 1e-3], ["f16", 0.05], ["q8_0", 0.4]] as const) {
            const path = join(dir, `m-${type}.gguf`);
            exportModel({ from: hf, to: "gguf", out: path, type });
            const mine = await loadForInference(path, { threads: 1 });
            const lm = await llama.loadModel({ modelPath: path });
            // One thread: on a busy 2-core machine llama.cpp's spinning workers are otherwise very slow.
            // An F32 KV cache: llama.cpp's default F16 cache rounds K and V, which mellama's F32 cache does not.
            const ctx = await lm.createContext({ contextSize: 128, threads: 1, experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32", flashAttention: false });
            const seq = ctx.getSequence();
            for (const text of prompts) {
                const ids = [tok.bosId, ...tok.encode(text)];
                const theirs = await llamaCppNextLogits(seq, ids);
                assert.ok(theirs !== undefined && theirs.size === config.vocabSize, "llama.cpp returned the full logits");
                const ours = mine.logits(ids);
                const maxDiff = maxLogitDiff(theirs, ours);
                const scale = ours.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
                t.diagnostic(`${type} "${text.slice(0, 12)}…" (${ids.length} tokens): max |logit diff| ${maxDiff.toExponential(2)} (max |logit| ${scale.toFixed(1)})`);
                assert.ok(maxDiff <= tol, `${type}: max abs logit diff ${maxDiff} > ${tol}`);
                if (type === "f32") {
                    await seq.clearHistory();
                    const got: number[] = [];
                    for await (const id of seq.evaluate(ids, { temperature: 0 })) {
                        got.push(id);
                        if (got.length === 64) {
                            break;
                        }
                    }
                    const want = mine.generateFromIds(ids, { maxTokens: 64 }).tokens;
                    // An EOS from either side ends the comparison where mellama stopped.
                    assert.deepEqual(got.slice(0, want.length), want, `f32 greedy tokens for prompt ${prompts.indexOf(text)}`);
                }
            }
            await ctx.dispose();
            await lm.dispose();
            mine.dispose();
        }
    } finally {
        await llama.dispose();
    }
});
