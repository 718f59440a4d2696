/**
 * `mellama merge`: a base model (anything openModel takes) + PEFT adapter directory → a merged Hugging Face
 * directory, written through writeOutputDir (complete under a temporary name, then renamed; an existing output is
 * replaced only with `overwrite` and only when an earlier merge wrote it; never an input). The tokenizer files are
 * the base's; tokenizer_config.json is the adapter's when it has one (it carries the chat template the adapter was
 * tuned on), with the model's real context as model_max_length.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { referenceKernels } from "../kernels/reference/index.js";
import { LlamaModel } from "../model/LlamaModel.js";
import { loadLoraAdapter, mergeLora } from "../model/lora/peftAdapter.js";
import { openModel } from "../formats/model/openModel.js";
import { loadWeights } from "../model/loadWeights.js";
import { claimOutput, writeOutputDir } from "../util/writeOutput.js";
import { loadChatTemplate } from "../tokenizer/chatTemplates.js";
import { saveHfModel } from "./modelCheckpoint.js";

export function mergeAdapterDir(baseDir: string, adapterDir: string, outDir: string, overwrite = false): void {
    const claim = { command: "merge", inputs: [baseDir, adapterDir], overwrite };
    // Refused before the (long) merge, and checked again when the output is written.
    claimOutput(outDir, claim, true);
    using base = openModel(baseDir);
    const model = new LlamaModel({ config: base.config, kernels: referenceKernels, maxBatch: 1, maxT: 1, training: false });
    loadWeights(model, base);
    mergeLora(model, loadLoraAdapter(adapterDir, model));
    const files = ["tokenizer.model", "tokenizer.json", "special_tokens_map.json"].map((f) => join(baseDir, f)).filter((f) => existsSync(f));
    const config = [adapterDir, baseDir].map((d) => join(d, "tokenizer_config.json")).find((f) => existsSync(f));
    const chatTemplate = loadChatTemplate(adapterDir) ?? base.chatTemplate;
    writeOutputDir(outDir, claim, (tmp) => saveHfModel(tmp, {
        model, tokenizerFiles: config === undefined ? files : [...files, config], ...(chatTemplate === undefined ? {} : { chatTemplate }),
        ...(base.tokenizer === null ? {} : { bosTokenId: base.tokenizer.bosId, eosTokenId: base.tokenizer.eosId }),
    }));
}
