/**
 * bench:infer — batch-1 decode tokens/s (1 thread) and 256-token prefill tokens/s (2 threads) of mellama's
 * KV-cache inference session on random-weight tiny15m and small110m models (F32), medians of several runs.
 * The anchor is llama.cpp through node-llama-cpp on the same model as GGUF; when node-llama-cpp cannot load
 * here, the anchor is reported missing with the reason, never filled in.
 */
import { fileURLToPath } from "node:url";
import { getKernelSet } from "../src/kernels/index.js";
import { InferenceSession } from "../src/model/inference/InferenceSession.js";
import { resolvePreset } from "../src/model/LlamaConfig.js";
import { LlamaModel } from "../src/model/LlamaModel.js";
import { loadTokenizer } from "../src/tokenizer/loadTokenizer.js";
import { type BenchRow, median, writeBenchResults } from "./lib/benchResults.js";

const quick = process.argv.includes("--quick");
const tokenizer = loadTokenizer(fileURLToPath(new URL("../test/fixtures/tokenizer/words.model", import.meta.url)));
let anchorReason: string;
try {
    const { getLlama } = await import("node-llama-cpp");
    await getLlama({ gpu: false, build: "never", progressLogs: false });
    anchorReason = "node-llama-cpp loads here, but this bench does not yet export the model to GGUF and time llama.cpp on it";
} catch (error) {
    anchorReason = `node-llama-cpp did not load: ${String((error as Error).name ?? error)}`;
}

const rows: BenchRow[] = [];
for (const preset of ["tiny15m", "small110m"] as const) {
    const config = { ...resolvePreset(preset), maxSeqLen: 512 };
    const measure = (threads: number, run: (session: InferenceSession) => number): number => {
        const model = new LlamaModel({ config, kernels: getKernelSet({ threads }), maxBatch: 1, maxT: 1, training: false });
        model.initWeights(1);
        const session = new InferenceSession({ model, tokenizer, prefillChunk: 256 });
        const values: number[] = [];
        for (let r = 0; r < (quick ? 2 : 4); r++) {
            values.push(run(session));
        }
        return median(values.slice(1));
    };
    const prompt = Int32Array.from({ length: 256 }, (_, i) => (i * 7919) % config.vocabSize);
    const decode = measure(1, (session) => {
        session.step(prompt.subarray(0, 16), 0);
        const one = new Int32Array(1);
        const steps = preset === "tiny15m" ? 128 : 32;
        const t0 = performance.now();
        for (let i = 0; i < steps; i++) {
            const logits = session.step(one, 16 + i);
            one[0] = logits.indexOf(Math.max(...logits.subarray(0, 64)));
        }
        return steps / ((performance.now() - t0) / 1000);
    });
    const prefill = measure(2, (session) => {
        const t0 = performance.now();
        session.step(prompt, 0);
        return 256 / ((performance.now() - t0) / 1000);
    });
    const anchors = preset === "tiny15m" ? [275, 4419] : [95, 401];
    process.stderr.write(`${preset}: decode ${decode.toFixed(1)} tok/s, prefill ${prefill.toFixed(0)} tok/s\n`);
    rows.push({ name: `${preset} F32 decode, batch 1, 1 thread`, unit: "tok/s", value: decode, anchor: null, anchorValue: null, ratio: null,
        config: { preset, weights: "F32", threads: 1, anchorMissing: anchorReason, performanceMdAnchor: anchors[0] } });
    rows.push({ name: `${preset} F32 prefill 256 tokens, 2 threads`, unit: "tok/s", value: prefill, anchor: null, anchorValue: null, ratio: null,
        config: { preset, weights: "F32", threads: 2, anchorMissing: anchorReason, performanceMdAnchor: anchors[1] } });
}
writeBenchResults("infer", rows);
