/**
 * bench:eval's multiple-choice row: scored choices per second of the loglikelihood requests of pubmedqa_mc
 * (or the MedNLI fixture's mednli_mc) on a random-weight tiny15m (the fixture tokenizer's vocabulary) at F32,
 * native backend against the llamacpp backend (node-llama-cpp computing the same log-likelihoods, F32 KV cache)
 * on the same GGUF, one thread each, alternately in one process; medians. Both plan the same shared-prefix groups.
 * When node-llama-cpp cannot load, the anchor is reported missing with the reason, never filled in.
 */
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import type { LM, LoglikelihoodRequest } from "../../src/eval/api/LM.js";
import { createLlamacppLM } from "../../src/eval/backends/createLlamacppLM.js";
import { createNativeLM } from "../../src/eval/backends/createNativeLM.js";
import { exportModel } from "../../src/formats/hf/exportModel.js";
import { writeHfCheckpoint } from "../../src/formats/hf/writeHfCheckpoint.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import { resolvePreset } from "../../src/model/LlamaConfig.js";
import { LlamaModel } from "../../src/model/LlamaModel.js";
import { loadTokenizer } from "../../src/tokenizer/loadTokenizer.js";
import { type BenchRow, median } from "./benchResults.js";

export async function benchMultipleChoice(o: { dir: string; tokenizerModel: string;
    requests: readonly LoglikelihoodRequest[]; task: string; reps: number; }): Promise<BenchRow> {
    const vocabSize = loadTokenizer(o.tokenizerModel).vocabSize;
    const config = { ...resolvePreset("tiny15m"), vocabSize, maxSeqLen: 512 };
    const model = new LlamaModel({ config, kernels: referenceKernels, maxBatch: 1, maxT: 1, training: false });
    model.initWeights(1);
    const hf = join(o.dir, "tiny15m-mc");
    writeHfCheckpoint({ dir: hf, config, tensors: model.layout.map((s) => ({ name: s.hfName, shape: s.shape,
        data: () => model.tensor(s.name) })), bosTokenId: 1, eosTokenId: 2 });
    copyFileSync(o.tokenizerModel, join(hf, "tokenizer.model"));
    const gguf = join(o.dir, "tiny15m-mc-f32.gguf");
    exportModel({ from: hf, to: "gguf", out: gguf, type: "f32" });
    const native = await createNativeLM(gguf, { threads: 1 });
    let anchor: LM | undefined;
    let reason = "";
    try {
        anchor = await createLlamacppLM(gguf, { threads: 1 });
    } catch (error) {
        reason = `node-llama-cpp did not load: ${(error as Error).message.split("\n")[0]}`;
    }
    const rate = async (lm: LM): Promise<number> => {
        const t0 = performance.now();
        const results = await lm.loglikelihood!(o.requests);
        if (results.some((r) => !r.ok)) {
            throw new Error(`${lm.id}: a request failed`);
        }
        return o.requests.length / ((performance.now() - t0) / 1000);
    };
    const mine: number[] = [];
    const theirs: number[] = [];
    for (let r = 0; r < o.reps + 1; r++) {
        const a = await rate(native);
        const b = anchor === undefined ? undefined : await rate(anchor);
        if (r > 0) { // the first round warms caches and page-ins on both sides
            mine.push(a);
            if (b !== undefined) {
                theirs.push(b);
            }
        }
    }
    await native.dispose?.();
    await anchor?.dispose?.();
    const value = median(mine);
    const anchorValue = theirs.length > 0 ? median(theirs) : null;
    return { name: "multiple choice: tiny15m F32 native vs llama.cpp", unit: "scored choices/s", value, anchor: "llamacpp backend, same GGUF, same requests",
        anchorValue, ratio: anchorValue === null ? null : value / anchorValue,
        config: { task: o.task, requests: o.requests.length, threads: 1, reps: o.reps, vocabSize, ...(reason === "" ? {} : { anchorMissing: reason }) } };
}
