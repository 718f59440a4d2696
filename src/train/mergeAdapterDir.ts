/**
 * `mellama merge`: a base model (anything openModel takes) + PEFT adapter directory → a merged Hugging Face
 * directory, written under a temporary name and renamed.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { referenceKernels } from "../kernels/reference/index.js";
import { LlamaModel } from "../model/LlamaModel.js";
import { loadLoraAdapter, mergeLora } from "../model/lora/peftAdapter.js";
import { openModel } from "../formats/model/openModel.js";
import { loadWeights } from "../model/loadWeights.js";
import { saveHfModel } from "./modelCheckpoint.js";

export function mergeAdapterDir(baseDir: string, adapterDir: string, outDir: string): void {
    using base = openModel(baseDir);
    const model = new LlamaModel({ config: base.config, kernels: referenceKernels, maxBatch: 1, maxT: 1, training: false });
    loadWeights(model, base);
    mergeLora(model, loadLoraAdapter(adapterDir, model));
    const tmp = `${outDir}.tmp-${process.pid}`;
    mkdirSync(tmp, { recursive: true });
    const files = ["tokenizer.model", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"].map((f) => join(baseDir, f)).filter((f) => existsSync(f));
    saveHfModel(tmp, { model, tokenizerFiles: files });
    rmSync(outDir, { recursive: true, force: true });
    renameSync(tmp, outDir);
}
