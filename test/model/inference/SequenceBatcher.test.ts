import assert from "node:assert/strict";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { ConfigError } from "../../../src/errors/MellamaError.js";
import { getKernelSet, type KernelSet } from "../../../src/kernels/index.js";
import { referenceKernels } from "../../../src/kernels/reference/index.js";
import type { LlamaConfig } from "../../../src/model/LlamaConfig.js";
import { LlamaModel } from "../../../src/model/LlamaModel.js";
import { ContextLengthError, InferenceSession } from "../../../src/model/inference/InferenceSession.js";
import { SequenceBatcher } from "../../../src/model/inference/SequenceBatcher.js";
import { loadTokenizer } from "../../../src/tokenizer/loadTokenizer.js";

const tokenizer = loadTokenizer(fileURLToPath(new URL("../../fixtures/tokenizer/words.model", import.meta.url)));
// dim 40 and hidden 56 are not multiples of the SIMD width: the kernels' tails are exercised too.
const config: LlamaConfig = { dim: 40, nLayers: 2, nHeads: 4, nKvHeads: 2, hiddenDim: 56,
    vocabSize: tokenizer.vocabSize, maxSeqLen: 48, normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false };
const PROMPTS = ["patient presents with chest pain", "the", "fever and cough for three days", "no known drug allergies", "blood pressure was",
    "history of", "abdominal pain", "she denies", "he reports shortness of breath", "follow up in two weeks"];

function kernelsUnderTest(): [string, KernelSet][] {
    const sets: [string, KernelSet][] = [["reference", referenceKernels]];
    try {
        sets.push(["native", getKernelSet({ kind: "native", threads: 2 })]);
    } catch {
        // native addon not built: the reference set alone
    }
    return sets;
}

function session(kernels: KernelSet, seed: number): InferenceSession {
    const model = new LlamaModel({ config, kernels, maxBatch: 1, maxT: 1, training: false });
    model.initWeights(seed, 0.3);
    return new InferenceSession({ model, tokenizer, prefillChunk: 8 });
}

for (const [name, kernels] of kernelsUnderTest()) {
    test(`stepBatch: each row's logits are exactly those of the sequence stepped alone (${name} kernels)`, () => {
        const s = session(kernels, 3);
        const prompts = PROMPTS.slice(0, 7).map((p) => tokenizer.encode(p, { bos: true }));
        const caches = prompts.map(() => s.createCache());
        const alone = prompts.map(() => s.createCache());
        prompts.forEach((ids, b) => {
            s.step(Int32Array.from(ids), 0, caches[b]);
            s.step(Int32Array.from(ids), 0, alone[b]);
        });
        // Three steps with every sequence at its own position.
        const tokens = Int32Array.from(prompts, (_, b) => 5 + b);
        for (let step = 0; step < 3; step++) {
            const positions = Int32Array.from(prompts, (ids) => ids.length + step);
            const batched = s.stepBatch(tokens, positions, caches).slice();
            for (let b = 0; b < prompts.length; b++) {
                const one = s.step(tokens.subarray(b, b + 1), positions[b]!, alone[b]).slice();
                assert.deepEqual(batched.subarray(b * config.vocabSize, (b + 1) * config.vocabSize), one, `step ${step} row ${b}`);
            }
        }
        assert.throws(() => s.stepBatch(new Int32Array(17), new Int32Array(17), Array.from({ length: 17 }, () => caches[0]!)), /1\.\.16/);
        assert.throws(() => s.stepBatch(new Int32Array(1), Int32Array.of(config.maxSeqLen), [caches[0]!]), ContextLengthError);
    });

    test(`SequenceBatcher: more prompts than slots, mixed lengths, stops and seeds give each sequence's solo output (${name} kernels)`, async () => {
        const s = session(kernels, 5);
        const batcher = new SequenceBatcher(s, { maxBatch: 4 });
        const requests = PROMPTS.map((p, i) => ({
            ids: tokenizer.encode(p, { bos: true }),
            options: { maxTokens: 3 + (i % 4) * 4, ...(i % 3 === 1 ? { temperature: 0.9, topK: 20, seed: i } : {}), ...(i === 2 ? { stop: ["e"] } : {}) },
        }));
        const solo = requests.map((r) => s.generateFromIds(r.ids, r.options));
        const streamed: string[] = requests.map(() => "");
        const batched = await Promise.all(requests.map((r, i) => batcher.generate(r.ids, { ...r.options, onText: (t) => { streamed[i] += t; } })));
        assert.deepEqual(batched, solo);
        assert.deepEqual(streamed, solo.map((o) => o.text), "each sequence streams exactly its own text");
        assert.equal(batcher.pending, 0);
    });
}

test("SequenceBatcher: stepCounts counts each decode step once and each sequence once per step it decoded in", async () => {
    const s = session(referenceKernels, 6);
    const batcher = new SequenceBatcher(s, { maxBatch: 4 });
    const prompts = PROMPTS.slice(0, 4).map((p) => tokenizer.encode(p, { bos: true }));
    const outs = await Promise.all(prompts.map((ids, i) => batcher.generate(ids, { maxTokens: 3 + 2 * i })));
    // The first token comes from the prompt's own pass; each later one, and an EOS, from one decode step.
    const decoded = outs.map((o) => o.tokens.length - 1 + (o.finishReason === "eos" ? 1 : 0));
    assert.deepEqual(batcher.stepCounts, { steps: Math.max(...decoded), rows: decoded.reduce((a, b) => a + b, 0) });
    await batcher.generate(prompts[0]!, { maxTokens: 2 });
    assert.equal(batcher.stepCounts.steps, Math.max(...decoded) + 1, "a later lone sequence decodes in steps of its own");
});

test("SequenceBatcher: a prompt that does not fit rejects alone; the context limit ends a sequence; bad maxBatch is a ConfigError", async () => {
    const s = session(referenceKernels, 9);
    const batcher = new SequenceBatcher(s, { maxBatch: 2 });
    const long = Array.from({ length: config.maxSeqLen }, (_, i) => 3 + (i % 50));
    const near = long.slice(0, config.maxSeqLen - 3);
    const [tooLong, nearEnd, fine] = await Promise.allSettled([
        batcher.generate(long, { maxTokens: 4 }),
        batcher.generate(near, { maxTokens: 10 }),
        batcher.generate(tokenizer.encode("the", { bos: true }), { maxTokens: 4 }),
    ]);
    assert.ok(tooLong.status === "rejected" && tooLong.reason instanceof ContextLengthError);
    assert.ok(nearEnd.status === "fulfilled" && nearEnd.value.tokens.length <= 3);
    assert.deepEqual(nearEnd.value, s.generateFromIds(near, { maxTokens: 10 }));
    assert.ok(fine.status === "fulfilled" && fine.value.tokens.length > 0);
    for (const maxBatch of [0, 17, 2.5]) {
        assert.throws(() => new SequenceBatcher(s, { maxBatch }), (e: unknown) => e instanceof ConfigError && e.message.includes("maxBatch"));
    }
});

test("SequenceBatcher: an aborted request ends with what it has; the others go on", async () => {
    const s = session(referenceKernels, 4);
    const batcher = new SequenceBatcher(s, { maxBatch: 3 });
    const controller = new AbortController();
    const ids = tokenizer.encode("chest pain", { bos: true });
    const pending = [batcher.generate(ids, { maxTokens: 30, signal: controller.signal }), batcher.generate(ids, { maxTokens: 30 })];
    setImmediate(() => setImmediate(() => controller.abort()));
    const [aborted, full] = await Promise.all(pending);
    assert.equal(aborted!.finishReason, "length");
    assert.ok(aborted!.tokens.length < full!.tokens.length || full!.finishReason === "eos", "the aborted one stopped early");
    assert.deepEqual(full, s.generateFromIds(ids, { maxTokens: 30 }));
});
