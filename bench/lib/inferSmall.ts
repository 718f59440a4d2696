/**
 * bench:infer's small-model rows: batch-1 decode tokens/s (1 thread), 256-token prefill tokens/s (2 threads) and
 * the aggregate decode tokens/s of 8 concurrent sequences (2 threads, prompts of 16 tokens included) of mellama's
 * KV-cache inference session against llama.cpp (node-llama-cpp's prebuilt CPU binary) on the SAME GGUF file:
 * random-weight tiny15m at F32 and small110m at F16, in one process, mellama and llama.cpp alternately; medians
 * are reported. Both run the F16 linear weights as stored. llama.cpp runs with its default context settings
 * (F16 KV cache, flash attention auto); mellama's KV cache is F32.
 * When node-llama-cpp cannot load, the anchor is reported missing with the reason, never filled in.
 */
import { copyFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { exportModel } from "../../src/formats/hf/exportModel.js";
import { writeHfCheckpoint } from "../../src/formats/hf/writeHfCheckpoint.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import { loadForInference } from "../../src/model/inference/index.js";
import { resolvePreset } from "../../src/model/LlamaConfig.js";
import { LlamaModel } from "../../src/model/LlamaModel.js";
import { type BenchRow, median } from "./benchResults.js";

interface Seq { clearHistory(): Promise<void>; evaluateWithoutGeneratingNewTokens(t: number[]): Promise<void>;
    evaluate(t: number[], o: { temperature: number }): AsyncIterable<number>; }
interface Ctx { getSequence(): Seq; dispose(): Promise<void> }
interface Llama {
    loadModel(o: { modelPath: string }): Promise<{
        createContext(o: { contextSize: number; threads: number; batchSize: number; sequences?: number }): Promise<Ctx>;
        dispose(): Promise<void>;
    }>;
    dispose(): Promise<void>;
}

export interface SmallBenchOptions {
    reps: number;
    /** Scratch directory; the models are deleted from it when done. */
    dir: string;
    /** The 32000-piece tokenizer.model. */
    tokenizerModel: string;
    /** Pieces of the fixture tokenizer (prompt ids are drawn below this). */
    fixturePieces: number;
    common: Record<string, unknown>;
}

export async function benchSmall({ reps, dir, tokenizerModel, fixturePieces, common }: SmallBenchOptions): Promise<BenchRow[]> {
    let llama: Llama | undefined;
    let anchorReason = "";
    try {
        const name = "node-llama-cpp";
        const mod = await import(name) as { getLlama(o: Record<string, unknown>): Promise<Llama> };
        llama = await mod.getLlama({ gpu: false, build: "never", progressLogs: false, logLevel: "error" });
    } catch (error) {
        anchorReason = `node-llama-cpp did not load: ${(error as Error).message.split("\n")[0]}`;
    }
    const DECODE_PROMPT = 16;
    const rows: BenchRow[] = [];
    for (const [preset, type] of [["tiny15m", "f32"], ["small110m", "f16"]] as const) {
        const config = { ...resolvePreset(preset), maxSeqLen: 512 };
        const model = new LlamaModel({ config, kernels: referenceKernels, maxBatch: 1, maxT: 1, training: false });
        model.initWeights(1);
        const hf = join(dir, preset);
        writeHfCheckpoint({ dir: hf, config, tensors: model.layout.map((s) => ({ name: s.hfName, shape: s.shape,
            data: () => model.tensor(s.name) })), bosTokenId: 1, eosTokenId: 2 });
        copyFileSync(tokenizerModel, join(hf, "tokenizer.model"));
        const gguf = join(dir, `${preset}-${type}.gguf`);
        exportModel({ from: hf, to: "gguf", out: gguf, type });
        // No EOS (id 2) in the prompt; decode steps are timed whatever token comes out.
        const prompt = Array.from({ length: 256 }, (_, i) => 3 + ((i * 7919) % (fixturePieces - 3)));
        const steps = preset === "tiny15m" ? 128 : 48;
        const dec1 = await loadForInference(gguf, { threads: 1, maxContext: 512 });
        const pre2 = await loadForInference(gguf, { threads: 2, maxContext: 512, prefillChunk: 256 });
        const lm = llama === undefined ? undefined : await llama.loadModel({ modelPath: gguf });
        const ctx1 = lm === undefined ? undefined : await lm.createContext({ contextSize: 512, threads: 1, batchSize: 256 });
        const ctx2 = lm === undefined ? undefined : await lm.createContext({ contextSize: 512, threads: 2, batchSize: 256 });
        const seq1 = ctx1?.getSequence();
        const seq2 = ctx2?.getSequence();
        const SEQS = 8;
        const decB = await loadForInference(gguf, { threads: 2, maxContext: 512, maxBatch: SEQS });
        const ctxB = lm === undefined ? undefined : await lm.createContext({ contextSize: 512, threads: 2, batchSize: 256, sequences: SEQS });
        const seqsB = ctxB === undefined ? [] : Array.from({ length: SEQS }, () => ctxB.getSequence());
        const prompts = Array.from({ length: SEQS }, (_, i) => prompt.slice(i * DECODE_PROMPT, (i + 1) * DECODE_PROMPT));
        const m = { decode: [] as number[], prefill: [] as number[], aDecode: [] as number[], aPrefill: [] as number[],
            batch: [] as number[], aBatch: [] as number[] };
        for (let r = 0; r < reps + 1; r++) {
            const keep = r > 0; // the first round warms caches and page-ins on both sides
            const kv = dec1;
            kv.step(Int32Array.from(prompt.slice(0, DECODE_PROMPT)), 0);
            const one = new Int32Array(1);
            let t0 = performance.now();
            for (let i = 0; i < steps; i++) {
                const logits = kv.step(one, DECODE_PROMPT + i);
                let best = 0;
                for (let j = 1; j < logits.length; j++) {
                    best = logits[j]! > logits[best]! ? j : best;
                }
                one[0] = best;
            }
            if (keep) {m.decode.push(steps / ((performance.now() - t0) / 1000));}
            if (seq1 !== undefined) {
                const seq = seq1;
                await seq.clearHistory();
                let n = 0;
                // The first token out of evaluate() includes the 16-token prompt; time the steps after it.
                for await (const id of seq.evaluate(prompt.slice(0, DECODE_PROMPT), { temperature: 0 })) {
                    void id;
                    if (n === 0) {t0 = performance.now();}
                    if (++n > steps) {break;}
                }
                if (keep) {m.aDecode.push(steps / ((performance.now() - t0) / 1000));}
                await seq.clearHistory();
            }
            t0 = performance.now();
            pre2.step(Int32Array.from(prompt), 0);
            if (keep) {m.prefill.push(256 / ((performance.now() - t0) / 1000));}
            if (seq2 !== undefined) {
                const seq = seq2;
                await seq.clearHistory();
                t0 = performance.now();
                await seq.evaluateWithoutGeneratingNewTokens(prompt);
                if (keep) {m.aPrefill.push(256 / ((performance.now() - t0) / 1000));}
                await seq.clearHistory();
            }
            // 8 sequences at once, each generating `steps` tokens greedily after its own 16-token prompt; tokens/s of
            // all of them together, prompt processing included on both sides (llama.cpp batches the 8 prompts too).
            t0 = performance.now();
            const outs = await Promise.all(prompts.map((p) => decB.batcher.generate([1, ...p.slice(1)], { maxTokens: steps })));
            if (keep) {m.batch.push(outs.reduce((a, o) => a + o.tokens.length, 0) / ((performance.now() - t0) / 1000));}
            if (seqsB.length > 0) {
                await Promise.all(seqsB.map((q) => q.clearHistory()));
                t0 = performance.now();
                const counts = await Promise.all(seqsB.map(async (q, i) => {
                    let n = 0;
                    for await (const id of q.evaluate([1, ...prompts[i]!.slice(1)], { temperature: 0 })) {
                        void id;
                        if (++n >= steps) {break;}
                    }
                    return n;
                }));
                if (keep) {m.aBatch.push(counts.reduce((a, n) => a + n, 0) / ((performance.now() - t0) / 1000));}
                await Promise.all(seqsB.map((q) => q.clearHistory()));
            }
        }
        const W = type.toUpperCase();
        const row = (name: string, threads: number, value: number[], anchor: number[]): BenchRow => {
            const v = median(value);
            const a = anchor.length > 0 ? median(anchor) : null;
            return { name, unit: "tok/s", value: v, anchor: a === null ? null : "llama.cpp (node-llama-cpp, same GGUF)", anchorValue: a, ratio: a === null ? null : v / a,
                config: { ...common, part: "small", preset, weights: W, threads, reps, ...(a === null ? { anchorMissing: anchorReason } : {}), mellamaLinearWeights: W, mellamaKvCache: "F32" } };
        };
        rows.push(row(`${preset} ${W} decode, batch 1, 1 thread`, 1, m.decode, m.aDecode));
        rows.push(row(`${preset} ${W} prefill 256 tokens, 2 threads`, 2, m.prefill, m.aPrefill));
        rows.push(row(`${preset} ${W} decode, ${SEQS} sequences, 2 threads`, 2, m.batch, m.aBatch));
        await ctxB?.dispose();
        await ctx1?.dispose();
        await ctx2?.dispose();
        await lm?.dispose();
        rmSync(hf, { recursive: true, force: true });
        rmSync(gguf, { force: true });
    }
    await llama?.dispose();
    return rows;
}
