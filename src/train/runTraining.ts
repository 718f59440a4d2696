/**
 * `mellama pretrain` and `mellama sft` from their config files: reads and validates the config before any work,
 * opens the shards / instruction data and the tokenizer, refuses mismatches, runs, prints where things went.
 */
import { ConfigError } from "../errors/MellamaError.js";
import { loadConfig } from "../util/loadConfig.js";
import { openShardDataset } from "../formats/shards/openShardDataset.js";
import { loadTokenizer, tokenizerFileOf } from "../tokenizer/loadTokenizer.js";
import { openModel } from "../formats/model/openModel.js";
import { pretrainConfigSchema, type PretrainConfig } from "./PretrainConfig.js";
import { pretrain, type PretrainResult } from "./pretrain.js";
import { sftConfigSchema, type SftConfig } from "./SftConfig.js";
import { sft, type SftResult } from "./sft.js";
import { readConversations } from "./readConversations.js";
import { CHAT_TEMPLATE_NAMES } from "../tokenizer/chatTemplates.js";
import { dirname, join, resolve } from "node:path";
import { existsSync } from "node:fs";

function tokenizerFiles(path: string): string[] {
    const dir = existsSync(join(path, "tokenizer.model")) || existsSync(join(path, "tokenizer.json")) ? path : dirname(tokenizerFileOf(path));
    return ["tokenizer.model", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"].map((f) => join(dir, f)).filter((f) => existsSync(f));
}

export function runPretrainConfig(config: PretrainConfig, resume: boolean, overwrite = false): PretrainResult {
    const tokenizer = loadTokenizer(config.tokenizer);
    const train = openShardDataset(config.data.train, "train");
    if (train.tokenizerHash !== tokenizer.hash) {
        throw new ConfigError("tokenizer", `the shards in ${config.data.train} were built with tokenizer ${train.tokenizerHash}, this is ${tokenizer.hash}`);
    }
    const validation = config.data.validation === undefined ? null : openShardDataset(config.data.validation, "validation");
    const initial = config.initFrom === undefined ? undefined : openModel(config.initFrom);
    try {
        return pretrain({ config, train, validation, resume, overwrite, initial,
            tokenizer: { vocabSize: tokenizer.vocabSize, bosId: tokenizer.bosId, eosId: tokenizer.eosId,
                hash: tokenizer.hash, files: tokenizerFiles(config.tokenizer) } });
    } finally {
        train.close();
        validation?.close();
        initial?.close();
    }
}

export function runPretrain(configPath: string, resume: boolean, overwrite = false): PretrainResult {
    const config = loadConfig(configPath, pretrainConfigSchema, { what: "pretrain config", paths: ["output", "tokenizer", "initFrom", "data.train", "data.validation"] });
    return runPretrainConfig(config, resume, overwrite);
}

export function runSftConfig(config: SftConfig, resume: boolean, overwrite = false): SftResult {
    using base = openModel(config.base);
    const tokenizer = config.tokenizer !== undefined ? loadTokenizer(config.tokenizer) : base.tokenizer;
    if (tokenizer === null) {
        throw new ConfigError("tokenizer", `the base model ${config.base} carries no tokenizer; give one with tokenizer:`);
    }
    return sft({ config, base, resume, overwrite, tokenizer,
        train: readConversations(config.data.train),
        validation: config.data.validation === undefined ? [] : readConversations(config.data.validation) });
}

export function runSft(configPath: string, resume: boolean, overwrite = false): SftResult {
    const config = loadConfig(configPath, sftConfigSchema, { what: "sft config", paths: ["output", "base", "tokenizer", "data.train", "data.validation"] });
    // template: a built-in name, or a Jinja file relative to the config's directory.
    const template = (CHAT_TEMPLATE_NAMES as readonly string[]).includes(config.template)
        ? config.template : resolve(dirname(resolve(configPath)), config.template);
    return runSftConfig({ ...config, template }, resume, overwrite);
}
