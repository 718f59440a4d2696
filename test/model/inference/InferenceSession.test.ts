import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { getKernelSet, type KernelSet } from "../../../src/kernels/index.js";
import { referenceKernels } from "../../../src/kernels/reference/index.js";
import type { LlamaConfig } from "../../../src/model/LlamaConfig.js";
import { LlamaModel } from "../../../src/model/LlamaModel.js";
import { ContextLengthError, InferenceSession } from "../../../src/model/inference/InferenceSession.js";
import { loadTokenizer } from "../../../src/tokenizer/loadTokenizer.js";

const tokenizer = loadTokenizer(fileURLToPath(new URL("../../fixtures/tokenizer/words.model", import.meta.url)));
const config: LlamaConfig = { dim: 32, nLayers: 2, nHeads: 4, nKvHeads: 2, hiddenDim: 48,
    vocabSize: tokenizer.vocabSize, maxSeqLen: 64, normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false };

function kernelsUnderTest(): [string, KernelSet][] {
    const sets: [string, KernelSet][] = [["reference", referenceKernels]];
    try {
        sets.push(["native", getKernelSet({ kind: "native", threads: 2 })]);
    } catch {
        // native addon not built: the reference set alone
    }
    return sets;
}

for (const [name, kernels] of kernelsUnderTest()) {
    test(`KV-cache decoding equals recomputing the whole sequence (${name} kernels)`, () => {
        const model = new LlamaModel({ config, kernels, maxBatch: 1, maxT: 64, training: false });
        model.initWeights(7, 0.3);
        const session = new InferenceSession({ model, tokenizer, prefillChunk: 5 });
        const prompt = tokenizer.encode("patient presents with chest pain", { bos: true });
        const out = session.generateFromIds(prompt, { maxTokens: 12 });
        // Reference: greedy decoding by full forward passes, no cache.
        const seq = [...prompt];
        const greedy: number[] = [];
        for (let i = 0; i < out.tokens.length; i++) {
            model.forward(Int32Array.from(seq), null, 1, seq.length);
            const row = model.logits.subarray((seq.length - 1) * config.vocabSize, seq.length * config.vocabSize);
            let best = 0;
            for (let j = 1; j < row.length; j++) {
                if (row[j]! > row[best]!) {
                    best = j;
                }
            }
            greedy.push(best);
            seq.push(best);
        }
        assert.deepEqual(out.tokens, greedy);
        const cached = session.logits(seq);
        model.forward(Int32Array.from(seq), null, 1, seq.length);
        const full = model.logits.subarray((seq.length - 1) * config.vocabSize, seq.length * config.vocabSize);
        let diff = 0;
        for (let j = 0; j < full.length; j++) {
            diff = Math.max(diff, Math.abs(full[j]! - cached[j]!));
        }
        assert.ok(diff < 1e-4, `logits differ by ${diff}`);
    });
}

test("a prompt longer than the context is an error, and sampling is reproducible by seed", async () => {
    const model = new LlamaModel({ config, kernels: referenceKernels, maxBatch: 1, maxT: 64, training: false });
    model.initWeights(8, 0.3);
    const session = new InferenceSession({ model, tokenizer });
    assert.throws(() => session.generateFromIds(new Array<number>(80).fill(5), { maxTokens: 1 }), ContextLengthError);
    const a = await session.generate("fever", { maxTokens: 8, temperature: 0.9, topK: 20, topP: 0.9, seed: 3 });
    const b = await session.generate("fever", { maxTokens: 8, temperature: 0.9, topK: 20, topP: 0.9, seed: 3 });
    assert.deepEqual(a.tokens, b.tokens);
});
