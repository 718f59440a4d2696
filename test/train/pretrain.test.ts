import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parsePretrainConfig } from "../../src/train/PretrainConfig.js";
import { pretrain } from "../../src/train/pretrain.js";
import { ResumeMismatchError } from "../../src/train/ResumeMismatchError.js";
import { arrayDataset } from "../../src/train/TokenDataset.js";
import { Rng } from "../../src/util/rng.js";
import { RUN_LOCK_FILE, RunLock, RunLockedError } from "../../src/util/runLock.js";
import { OutputExistsError } from "../../src/util/writeOutput.js";

const VOCAB = 50;
const rng = new Rng(3);
// A learnable stream: mostly counting modulo the vocabulary, with noise.
const stream = Int32Array.from({ length: 40 * 17 }, (_, i) => (rng.next() < 0.8 ? (i * 7) % VOCAB : rng.int(VOCAB)));
const train = arrayDataset(stream, 17);
const validation = arrayDataset(stream.subarray(0, 8 * 17), 17);
const tokenizer = { vocabSize: VOCAB, bosId: 1, eosId: 2, hash: "test-tokenizer", files: [] };

function config(output: string, extra: Record<string, unknown> = {}): ReturnType<typeof parsePretrainConfig> {
    return parsePretrainConfig({
        output, tokenizer: "unused", data: { train: "unused" },
        model: { dim: 16, nLayers: 2, nHeads: 2, nKvHeads: 1, hiddenDim: 32, maxSeqLen: 32 },
        microBatchSize: 2, gradAccum: 2, epochs: 1, checkpointEvery: 2, keepCheckpoints: 5, evalEvery: 3, evalBatches: 2,
        optimizer: { lr: 3e-3 }, kernels: "reference", seed: 11, ...extra,
    });
}

test("pretraining lowers the loss, logs it, plots it and checkpoints in Hugging Face layout", () => {
    const out = mkdtempSync(join(tmpdir(), "pretrain-"));
    const result = pretrain({ config: config(out), train, validation, tokenizer });
    assert.equal(result.steps, 10);
    const log = readFileSync(join(out, "log.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { step: number; kind: string; loss: number });
    const trainLosses = log.filter((e) => e.kind === "train");
    assert.equal(trainLosses.length, 10);
    assert.ok(trainLosses[9]!.loss < trainLosses[0]!.loss, "loss should fall");
    assert.ok(log.some((e) => e.kind === "validation"));
    assert.ok(readFileSync(join(out, "loss.svg"), "utf8").startsWith("<svg"));
    const hf = JSON.parse(readFileSync(join(result.checkpoint, "config.json"), "utf8")) as { architectures: string[]; num_key_value_heads: number };
    assert.deepEqual(hf.architectures, ["LlamaForCausalLM"]);
    assert.equal(hf.num_key_value_heads, 1);
});

test("a run resumed from a mid-run checkpoint ends with the same bytes as an uninterrupted one", () => {
    const a = mkdtempSync(join(tmpdir(), "pretrain-"));
    const b = mkdtempSync(join(tmpdir(), "pretrain-"));
    const full = pretrain({ config: config(a), train, validation, tokenizer });
    pretrain({ config: config(b), train, validation, tokenizer });
    // Lose everything after step 4, as if the process had been killed between checkpoints.
    for (const step of [6, 8, 10]) {
        rmSync(join(b, "checkpoints", `step-${String(step).padStart(8, "0")}`), { recursive: true });
    }
    writeFileSync(join(b, "checkpoints", "latest"), "step-00000010\n");
    const resumed = pretrain({ config: config(b), train, validation, tokenizer, resume: true });
    assert.equal(resumed.resumedFrom, 4);
    assert.ok(readFileSync(join(resumed.checkpoint, "model.safetensors")).equals(readFileSync(join(full.checkpoint, "model.safetensors"))));
    assert.ok(readFileSync(join(resumed.checkpoint, "optimizer.safetensors")).equals(readFileSync(join(full.checkpoint, "optimizer.safetensors"))));
    const logB = readFileSync(join(b, "log.jsonl"), "utf8");
    assert.equal(logB.trim().split("\n").filter((l) => l.includes('"train"')).length, 10, "the resumed log reads like one run");
});

test("a resume with a different model shape is refused, naming the difference", () => {
    const out = mkdtempSync(join(tmpdir(), "pretrain-"));
    pretrain({ config: config(out, { maxSteps: 2 }), train, validation, tokenizer });
    assert.throws(() => pretrain({ config: config(out, { maxSteps: 2, model: { dim: 16, nLayers: 3, nHeads: 2, nKvHeads: 1, hiddenDim: 32, maxSeqLen: 32 } }),
        train, validation, tokenizer, resume: true }), (error: unknown) => error instanceof ResumeMismatchError && /model/.test(error.message));
    assert.throws(() => pretrain({ config: config(out, { maxSteps: 2 }), train, validation, tokenizer: { ...tokenizer, hash: "other" }, resume: true }),
        (error: unknown) => error instanceof ResumeMismatchError && /tokenizer/.test(error.message));
});

test("unknown config keys and wrong types fail before any work, naming the key", () => {
    assert.throws(() => parsePretrainConfig({ output: "x", tokenizer: "t", data: { train: "d" }, optimizr: {} }), /optimizr/);
    assert.throws(() => parsePretrainConfig({ output: "x", tokenizer: "t", data: { train: "d" }, optimizer: { lr: "fast" } }), /optimizer\.lr/);
});

test("a run directory with checkpoints is refused without --resume or --overwrite, and locked while a run holds it", () => {
    const out = mkdtempSync(join(tmpdir(), "pretrain-"));
    const first = pretrain({ config: config(out, { maxSteps: 4 }), train, validation, tokenizer });
    const before = readFileSync(join(first.checkpoint, "model.safetensors"));
    assert.throws(() => pretrain({ config: config(out, { maxSteps: 2 }), train, validation, tokenizer }),
        (e: unknown) => e instanceof OutputExistsError && /holds checkpoints of an earlier run \(latest step-00000004\); pass --resume .* or --overwrite/.test(e.message));
    assert.ok(readFileSync(join(first.checkpoint, "model.safetensors")).equals(before), "the earlier run is untouched");
    {
        using _held = RunLock.acquire(out, "sft");
        assert.throws(() => pretrain({ config: config(out, { maxSteps: 4 }), train, validation, tokenizer, resume: true }), RunLockedError);
    }
    const again = pretrain({ config: config(out, { maxSteps: 2 }), train, validation, tokenizer, overwrite: true });
    assert.deepEqual(readdirSync(join(out, "checkpoints")).filter((n) => n.startsWith("step-")), ["step-00000002"]);
    assert.equal(readFileSync(join(out, "checkpoints", "latest"), "utf8").trim(), "step-00000002");
    assert.equal(readFileSync(join(out, "log.jsonl"), "utf8").trim().split("\n").filter((l) => l.includes('"train"')).length, 2);
    assert.equal(again.resumedFrom, null);
    assert.equal(existsSync(join(out, RUN_LOCK_FILE)), false, "the lock is released when the run ends");
});
