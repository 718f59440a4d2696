/**
 * The random model of hfOracleModel.ts with two PEFT LoRA adapters beside it, read by plain PyTorch with
 * hand-written LoRA math (reference/py/check_lora_logits.py): `all7` adapts every linear of every layer (r 4,
 * alpha 8), `qvdown` only q_proj, v_proj and down_proj with use_rslora (r 2, alpha 4: scale alpha / √r).
 * Run as a script to write the directories: `npx tsx test/model/inference/loraOracleModel.ts OUT_DIR`.
 */
import { join } from "node:path";
import { type LoraPair, writePeftAdapter } from "../../../src/formats/peft/peftAdapter.js";
import { type LlamaConfig, kvDim } from "../../../src/model/LlamaConfig.js";
import { Rng } from "../../../src/util/rng.js";
import { oracleConfig, writeOracleModel } from "./hfOracleModel.js";

export const ORACLE_ADAPTERS = {
    all7: { r: 4, alpha: 8, rslora: false, targets: ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"], seed: 11 },
    qvdown: { r: 2, alpha: 4, rslora: true, targets: ["q_proj", "v_proj", "down_proj"], seed: 12 },
} as const;

/** A PEFT adapter with A and B uniform in (-0.3, 0.3): large enough that it moves every logit visibly. */
export function writeRandomAdapter(dir: string, config: LlamaConfig,
    { r, alpha, rslora, targets, seed }: { r: number; alpha: number; rslora: boolean; targets: readonly string[]; seed: number }): void {
    const rng = new Rng(seed);
    const dims: Record<string, [string, number, number]> = {
        q_proj: ["self_attn", config.dim, config.dim], k_proj: ["self_attn", config.dim, kvDim(config)], v_proj: ["self_attn", config.dim, kvDim(config)],
        o_proj: ["self_attn", config.dim, config.dim], gate_proj: ["mlp", config.dim, config.hiddenDim], up_proj: ["mlp", config.dim, config.hiddenDim],
        down_proj: ["mlp", config.hiddenDim, config.dim],
    };
    const uniform = (n: number): Float32Array => Float32Array.from({ length: n }, () => (rng.next() * 2 - 1) * 0.3);
    const pairs: LoraPair[] = [];
    for (let l = 0; l < config.nLayers; l++) {
        for (const t of targets) {
            const [group, inF, outF] = dims[t]!;
            pairs.push({ module: `model.layers.${l}.${group}.${t}`, inFeatures: inF, outFeatures: outF, a: uniform(r * inF), b: uniform(outF * r) });
        }
    }
    writePeftAdapter(dir, { r, alpha, ...(rslora ? { useRslora: true } : {}), dropout: 0, targetModules: [...targets], baseModel: null, pairs });
}

/** DIR/base (the HF model) and DIR/<adapter name> for each of ORACLE_ADAPTERS. */
export function writeLoraOracle(dir: string): void {
    writeOracleModel(join(dir, "base"));
    for (const [name, spec] of Object.entries(ORACLE_ADAPTERS)) {
        writeRandomAdapter(join(dir, name), oracleConfig, spec);
    }
}

if (process.argv[1]?.endsWith("loraOracleModel.ts") === true && process.argv[2] !== undefined) {
    writeLoraOracle(process.argv[2]);
}
