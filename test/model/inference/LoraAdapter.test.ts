/**
 * LoRA adapters at inference, unmerged (LoraAdapter + LoraSidePath on the session's projections):
 * - logits equal a float64 numpy LLaMA with PEFT's LoRA arithmetic written out (reference/py/check_lora_logits.py)
 *   within 1e-4, for an adapter on all seven linears and one on three with use_rslora;
 * - logits equal those of the `mellama merge`d model within 1e-4 on F32, and greedy tokens are identical;
 * - on F16, BF16 and Q8_0 bases the unmerged adapter is within 2x the type's own error (its distance from F32 on
 *   the base and on the merged model, whichever is larger) of the F32 merged model, and within 3x of the merged
 *   model exported in that type (the adapter's own term is computed in F32); the adapter moves the logits > 5x more;
 * - sequences of different adapters and of the base decode in one batch, each as it would alone;
 * - LoraSidePath equals its readable twin with interleaved rows; adapters of another shape are refused.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { FormatError, MellamaError } from "../../../src/errors/MellamaError.js";
import { exportModel } from "../../../src/formats/hf/exportModel.js";
import { openModel } from "../../../src/formats/model/openModel.js";
import { getKernelSet } from "../../../src/kernels/index.js";
import { referenceKernels } from "../../../src/kernels/reference/index.js";
import { createInferenceSession, type InferenceSession, loadForInference, LoraAdapter } from "../../../src/model/inference/index.js";
import { LINEAR_NAMES } from "../../../src/model/inference/InferenceWeights.js";
import { LoraSidePath, loraRowGroups, loraSidePathReference } from "../../../src/model/inference/LoraSidePath.js";
import type { LlamaConfig } from "../../../src/model/LlamaConfig.js";
import type { SentencePieceBpe } from "../../../src/tokenizer/SentencePieceBpe.js";
import { loadSentencePieceTokenizer } from "../../../src/tokenizer/loadTokenizer.js";
import { mergeAdapterDir } from "../../../src/train/mergeAdapterDir.js";
import { tinyServeModel } from "../../serve/tinyServeModel.js";
import { oracleConfig, oracleTokens } from "./hfOracleModel.js";
import { writeLoraOracle, writeRandomAdapter } from "./loraOracleModel.js";

const dir = mkdtempSync(join(tmpdir(), "mellama-lora-infer-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const maxAbsDiff = (a: Float32Array, b: ArrayLike<number>): number => {
    let d = 0;
    for (let i = 0; i < a.length; i++) {
        d = Math.max(d, Math.abs(a[i]! - b[i]!));
    }
    return d;
};

test("unmerged LoRA logits equal PEFT's arithmetic in a float64 numpy LLaMA (all seven linears; three with rslora), reference and native kernels", () => {
    const fixture = JSON.parse(readFileSync(new URL("../../fixtures/inference/lora_logits.json", import.meta.url), "utf8")) as { tokens: number[]; logits: Record<string, number[][]> };
    assert.deepEqual(fixture.tokens, oracleTokens);
    const root = join(dir, "oracle");
    writeLoraOracle(root);
    using source = openModel(join(root, "base"));
    const weights = new Map([...source.tensors.values()].map((t) => [t.name, t.readF32()]));
    const tokenizer: SentencePieceBpe = loadSentencePieceTokenizer(new URL("../../fixtures/tokenizer/llama_like.model", import.meta.url).pathname);
    for (const kernels of ["reference", "auto"] as const) {
        const session = createInferenceSession({ config: source.config, weights, tokenizer, source: root }, { kernels, threads: 1 });
        for (const [name, logits] of Object.entries(fixture.logits)) {
            const adapter = LoraAdapter.load(join(root, name), session.config, name);
            for (let t = 1; t <= oracleTokens.length; t++) {
                const d = maxAbsDiff(session.logits(oracleTokens.slice(0, t), adapter), logits[t - 1]!);
                assert.ok(d <= 1e-4, `${kernels} kernels, ${name}, prefix ${t}: max abs diff ${d}`);
            }
            // The adapter moves the logits far beyond the tolerance: the comparison above cannot pass without it.
            assert.ok(maxAbsDiff(session.logits(oracleTokens), logits[oracleTokens.length - 1]!) > 0.05, name);
        }
        session.dispose();
    }
});

// The served-model fixture (a word tokenizer, so sessions load from the directory) at dim 64: every linear's
// input is a multiple of the Q8_0 block, so a Q8_0 base is Q8_0 throughout.
const base = tinyServeModel({ dir: join(dir, "tiny"), dim: 64, seed: 21, maxSeqLen: 128 });
const baseConfig: LlamaConfig = openModel(base).config;
const adapters = {
    all7: { r: 4, alpha: 8, rslora: false, targets: ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"], seed: 31 },
    qvdown: { r: 2, alpha: 4, rslora: true, targets: ["q_proj", "v_proj", "down_proj"], seed: 32 },
} as const;
for (const [name, spec] of Object.entries(adapters)) {
    writeRandomAdapter(join(dir, name), baseConfig, spec);
    mergeAdapterDir(base, join(dir, name), join(dir, `${name}-merged`));
}
const PROMPTS = ["the patient has", "chest pain and fever with", "history of"];

/** Next-token logits after each prompt. */
const promptLogits = (s: InferenceSession, adapter: LoraAdapter | null): Float32Array[] =>
    PROMPTS.map((p) => s.logits(s.tokenizer.encode(p, { bos: true }), adapter));

test("unmerged equals `mellama merge` on F32: logits within 1e-4 and 24 greedy tokens identical, for both adapters", async () => {
    for (const kernels of ["reference", "auto"] as const) {
        const session = await loadForInference(base, { kernels, threads: 1 });
        for (const name of Object.keys(adapters)) {
            const adapter = LoraAdapter.load(join(dir, name), session.config, name);
            const merged = await loadForInference(join(dir, `${name}-merged`), { kernels, threads: 1 });
            const ours = promptLogits(session, adapter);
            const want = promptLogits(merged, null);
            ours.forEach((l, i) => assert.ok(maxAbsDiff(l, want[i]!) <= 1e-4, `${kernels} ${name} prompt ${i}: ${maxAbsDiff(l, want[i]!)}`));
            assert.ok(maxAbsDiff(ours[0]!, promptLogits(session, null)[0]!) > 0.05, `${name} changes the logits`);
            for (const p of PROMPTS) {
                const a = await session.generate(p, { maxTokens: 24, adapter });
                const m = await merged.generate(p, { maxTokens: 24 });
                assert.deepEqual(a.tokens, m.tokens, `${kernels} ${name}: "${p}"`);
            }
            merged.dispose();
        }
        session.dispose();
    }
});

test("F16, BF16 and Q8_0 bases: the adapter runs on the stored type unmerged, as close to the F32 merged model as the type is to the F32 base", async () => {
    const f32 = await loadForInference(base, { threads: 1 });
    const f32Base = promptLogits(f32, null);
    for (const name of Object.keys(adapters)) {
        const adapter = LoraAdapter.load(join(dir, name), baseConfig, name);
        const f32Merged = promptLogits(await loadForInference(join(dir, `${name}-merged`), { threads: 1 }), null);
        for (const type of ["f16", "bf16", "q8_0"] as const) {
            const gguf = join(dir, `base-${type}.gguf`);
            exportModel({ from: base, to: "gguf", out: gguf, type, overwrite: true });
            const session = await loadForInference(gguf, { threads: 1 });
            const typeBase = promptLogits(session, null);
            const ours = promptLogits(session, adapter);
            const mergedGguf = join(dir, `${name}-merged-${type}.gguf`);
            exportModel({ from: join(dir, `${name}-merged`), to: "gguf", out: mergedGguf, type });
            const typeMerged = promptLogits(await loadForInference(mergedGguf, { threads: 1 }), null);
            for (let i = 0; i < PROMPTS.length; i++) {
                // The type's error on the base, and on the merged model (the adapted network amplifies it differently).
                const typeError = Math.max(maxAbsDiff(typeBase[i]!, f32Base[i]!), maxAbsDiff(typeMerged[i]!, f32Merged[i]!));
                const vsF32Merged = maxAbsDiff(ours[i]!, f32Merged[i]!);
                const vsTypeMerged = maxAbsDiff(ours[i]!, typeMerged[i]!);
                const effect = maxAbsDiff(f32Merged[i]!, f32Base[i]!);
                const msg = `${name} on ${type}, prompt ${i}: type error ${typeError}, vs F32 merged ${vsF32Merged}, vs ${type} merged ${vsTypeMerged}, adapter effect ${effect}`;
                assert.ok(effect > 5 * typeError, msg);
                assert.ok(vsF32Merged <= 2 * typeError + 1e-4, msg);
                assert.ok(vsTypeMerged <= 3 * typeError + 1e-4, msg);
            }
            session.dispose();
        }
    }
    f32.dispose();
});

test("sequences of different adapters and of the base decode in one batch, each exactly as it would alone", async () => {
    for (const kernels of ["reference", "auto"] as const) {
        const session = await loadForInference(base, { kernels, threads: 1, maxBatch: 4 });
        const all7 = LoraAdapter.load(join(dir, "all7"), session.config, "all7");
        const qvdown = LoraAdapter.load(join(dir, "qvdown"), session.config, "qvdown");
        const jobs = [null, all7, qvdown, all7, null, qvdown, all7]
            .map((adapter, i) => ({ adapter, prompt: PROMPTS[i % PROMPTS.length]!, maxTokens: 8 + 3 * i }));
        const together = await Promise.all(jobs.map((j) => session.generate(j.prompt,
            { maxTokens: j.maxTokens, ...(j.adapter === null ? {} : { adapter: j.adapter }) })));
        jobs.forEach((j, i) => {
            const alone = session.generateFromIds(session.tokenizer.encode(j.prompt, { bos: true }),
                { maxTokens: j.maxTokens, ...(j.adapter === null ? {} : { adapter: j.adapter }) });
            assert.deepEqual(together[i]!.tokens, alone.tokens, `${kernels} job ${i}`);
        });
        // Interleaved rows of one stepBatch: each row's logits are those of its sequence stepped alone.
        const rows = [all7, null, qvdown, all7];
        const caches = rows.map(() => session.createCache());
        const prompt = session.tokenizer.encode("the patient has", { bos: true });
        rows.forEach((a, b) => session.step(Int32Array.from(prompt), 0, caches[b], a));
        const batch = session.stepBatch(Int32Array.from([5, 6, 7, 8]), Int32Array.from(rows, () => prompt.length), caches, rows).slice();
        const V = session.config.vocabSize;
        rows.forEach((a, b) => {
            const alone = session.step(Int32Array.from([5 + b]), prompt.length, (() => {
                const c = session.createCache();
                session.step(Int32Array.from(prompt), 0, c, a);
                return c;
            })(), a);
            assert.ok(maxAbsDiff(alone, batch.subarray(b * V, (b + 1) * V)) <= 1e-5, `${kernels} row ${b}`);
        });
        session.dispose();
    }
});

test("LoraSidePath equals its readable twin on interleaved rows of two adapters, every projection", () => {
    const adapterA = LoraAdapter.load(join(dir, "all7"), baseConfig, "a");
    const adapterB = LoraAdapter.load(join(dir, "qvdown"), baseConfig, "b");
    const groups = loraRowGroups([adapterA, null, adapterB, adapterA, adapterA, null, adapterB]);
    assert.deepEqual(groups.map((g) => [g.adapter.name, [...g.rows]]), [["a", [0, 3, 4]], ["b", [2, 6]]]);
    const N = 7;
    const sizes = { qProj: [64, 64], kProj: [64, 32], vProj: [64, 32], oProj: [64, 64], gateProj: [64, 96], upProj: [64, 96], downProj: [96, 64] } as const;
    for (const kernels of [referenceKernels, getKernelSet({ kind: "auto", threads: 1 })]) {
        const side = new LoraSidePath(kernels);
        for (const name of LINEAR_NAMES) {
            const [C, OC] = sizes[name];
            const x = Float32Array.from({ length: N * C }, (_, i) => Math.sin(i * 0.37));
            const start = Float32Array.from({ length: N * OC }, (_, i) => Math.cos(i * 0.11));
            const fast = start.slice();
            const ref = start.slice();
            side.apply(fast, x, groups, 1, name, C, OC);
            loraSidePathReference(ref, x, groups, 1, name, C, OC);
            assert.ok(maxAbsDiff(fast, ref) <= 1e-5, `${name}: ${maxAbsDiff(fast, ref)}`);
            assert.ok(maxAbsDiff(fast, start) > 1e-3, `${name} is adapted`);
            // Rows without an adapter are untouched.
            for (const row of [1, 5]) {
                assert.deepEqual(fast.subarray(row * OC, (row + 1) * OC), start.subarray(row * OC, (row + 1) * OC));
            }
        }
    }
    const bytes = (spec: { r: number; targets: readonly string[] }, dims: Record<string, number>): number =>
        2 * spec.targets.reduce((n, t) => n + 4 * spec.r * dims[t]!, 0);
    assert.equal(adapterA.bytes, bytes(adapters.all7, { q_proj: 128, k_proj: 96, v_proj: 96, o_proj: 128, gate_proj: 160, up_proj: 160, down_proj: 160 }));
    assert.equal(adapterB.bytes, bytes(adapters.qvdown, { q_proj: 128, v_proj: 96, down_proj: 160 }));
});

test("an adapter for another model is refused naming the module; a session refuses an adapter read for another shape", async () => {
    assert.throws(() => LoraAdapter.load(join(dir, "all7"), oracleConfig, "x"),
        (e: unknown) => e instanceof FormatError && /adapter_model\.safetensors: model\.layers\.0\.self_attn\.q_proj: adapts a 64x64 layer, the model's is 48x48/.test(e.message));
    const wide = { ...oracleConfig, nLayers: 1 };
    assert.throws(() => LoraAdapter.load(join(dir, "all7"), { ...baseConfig, nLayers: 1 }, "x"),
        (e: unknown) => e instanceof FormatError && /model\.layers\.1\.self_attn\.q_proj: is not a linear layer of this 1-layer LLaMA/.test(e.message));
    const session = await loadForInference(base, { kernels: "reference" });
    const other = join(dir, "other");
    writeRandomAdapter(other, wide, { r: 2, alpha: 2, rslora: false, targets: ["q_proj"], seed: 1 });
    const foreign = LoraAdapter.load(other, wide, "foreign");
    assert.throws(() => session.logits([1, 5], foreign), (e: unknown) => e instanceof MellamaError && /"foreign" was read for a model of another shape/.test(e.message));
    await assert.rejects(session.generate("the", { maxTokens: 2, adapter: foreign }), /another shape/);
    session.dispose();
});
