/**
 * A small random LLaMA in Hugging Face layout for the serve tests: the fixture word tokenizer (with its
 * tokenizer_config.json, carrying Llama-2's chat template unless `chatTemplate: false`), random weights.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeHfCheckpoint } from "../../src/formats/hf/writeHfCheckpoint.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";
import type { LlamaConfig } from "../../src/model/LlamaConfig.js";
import { LlamaModel } from "../../src/model/LlamaModel.js";
import { LLAMA2_JINJA_TEMPLATE } from "../../src/tokenizer/chatTemplates.js";
import { loadSentencePieceTokenizer } from "../../src/tokenizer/loadTokenizer.js";
import { saveTokenizer } from "../../src/tokenizer/saveTokenizer.js";

const WORDS = fileURLToPath(new URL("../fixtures/tokenizer/words.model", import.meta.url));

export interface TinyModelOptions {
    dir?: string;
    chatTemplate?: string | false;
    maxSeqLen?: number;
    seed?: number;
    dim?: number;
    /** Zero the lm_head row of EOS (id 2): its logit is then 0, never the largest of 3000, so greedy decoding runs to max_tokens. */
    noEos?: boolean;
}

/** Writes the model and returns its directory. */
export function tinyServeModel({ dir = mkdtempSync(join(tmpdir(), "mellama-serve-model-")), chatTemplate = LLAMA2_JINJA_TEMPLATE, maxSeqLen = 256, seed = 5, dim = 32, noEos = false }: TinyModelOptions = {}): string {
    const tokenizer = loadSentencePieceTokenizer(WORDS);
    const config: LlamaConfig = { dim, nLayers: 2, nHeads: 4, nKvHeads: 2, hiddenDim: dim + dim / 2, vocabSize: tokenizer.vocabSize, maxSeqLen,
        normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false };
    const model = new LlamaModel({ config, kernels: referenceKernels, maxBatch: 1, maxT: 1, training: false });
    model.initWeights(seed, 0.3);
    if (noEos) {
        model.tensor("lmHead").fill(0, 2 * dim, 3 * dim);
    }
    writeHfCheckpoint({ dir, config, tensors: model.layout.map((s) => ({ name: s.hfName, shape: s.shape,
        data: () => model.tensor(s.name) })), bosTokenId: 1, eosTokenId: 2 });
    saveTokenizer(dir, tokenizer.model, chatTemplate === false ? undefined : chatTemplate);
    return dir;
}
