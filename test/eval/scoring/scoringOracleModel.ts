/**
 * The small random GQA model and the cases that reference/py/make_loglikelihood_cases.py scores with plain PyTorch
 * (float64) and python3-sentencepiece. Its context is only 24 tokens, so the cases cross every edge: contexts cut
 * from the left, continuations of several tokens, texts that need several rolling windows.
 * Run as a script to write the HF directory: `npx tsx test/eval/scoring/scoringOracleModel.ts OUT_DIR`.
 */
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeHfCheckpoint } from "../../../src/formats/hf/writeHfCheckpoint.js";
import { referenceKernels } from "../../../src/kernels/reference/index.js";
import type { LlamaConfig } from "../../../src/model/LlamaConfig.js";
import { LlamaModel } from "../../../src/model/LlamaModel.js";
import { loadTokenizer } from "../../../src/tokenizer/loadTokenizer.js";

export const scoringTokenizerPath = fileURLToPath(new URL("../../fixtures/tokenizer/llama_like.model", import.meta.url));

export function scoringOracleConfig(): LlamaConfig {
    const vocabSize = loadTokenizer(scoringTokenizerPath).vocabSize;
    return { dim: 48, nLayers: 2, nHeads: 4, nKvHeads: 2, hiddenDim: 96, vocabSize, maxSeqLen: 24, normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false };
}

export function scoringOracleModel(): LlamaModel {
    const model = new LlamaModel({ config: scoringOracleConfig(), kernels: referenceKernels, maxBatch: 1, training: false });
    model.initWeights(4321, 0.3);
    return model;
}

export function writeScoringOracleModel(dir: string): void {
    const model = scoringOracleModel();
    const tok = loadTokenizer(scoringTokenizerPath);
    writeHfCheckpoint({ dir, config: model.config, tensors: model.layout.map((s) => ({ name: s.hfName, shape: s.shape, data: () => model.tensor(s.name) })),
        bosTokenId: tok.bosId, eosTokenId: tok.eosId });
    copyFileSync(scoringTokenizerPath, join(dir, "tokenizer.model"));
}

if (process.argv[1]?.endsWith("scoringOracleModel.ts") === true && process.argv[2] !== undefined) {
    writeScoringOracleModel(process.argv[2]);
}
