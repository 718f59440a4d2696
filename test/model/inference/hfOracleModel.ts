/**
 * The small random GQA model whose Hugging Face directory reference/py/check_hf_logits.py reads (plain PyTorch).
 * Run as a script to write the directory: `npx tsx test/model/inference/hfOracleModel.ts OUT_DIR`.
 */
import { writeHfCheckpoint } from "../../../src/formats/hf/writeHfCheckpoint.js";
import { referenceKernels } from "../../../src/kernels/reference/index.js";
import type { LlamaConfig } from "../../../src/model/LlamaConfig.js";
import { LlamaModel } from "../../../src/model/LlamaModel.js";

export const oracleConfig: LlamaConfig = { dim: 48, nLayers: 2, nHeads: 4, nKvHeads: 2, hiddenDim: 96, vocabSize: 97,
    maxSeqLen: 32, normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false };
export const oracleTokens = [1, 5, 17, 42, 88, 3, 60, 61, 7, 96, 30];

export function oracleModel(): LlamaModel {
    const model = new LlamaModel({ config: oracleConfig, kernels: referenceKernels, maxBatch: 1, training: false });
    model.initWeights(1234, 0.2);
    return model;
}

export function writeOracleModel(dir: string): void {
    const model = oracleModel();
    writeHfCheckpoint({ dir, config: oracleConfig,
        tensors: model.layout.map((s) => ({ name: s.hfName, shape: s.shape, data: () => model.tensor(s.name) })),
        bosTokenId: 1, eosTokenId: 2 });
}

if (process.argv[1]?.endsWith("hfOracleModel.ts") === true && process.argv[2] !== undefined) {
    writeOracleModel(process.argv[2]);
}
