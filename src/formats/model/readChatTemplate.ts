/**
 * Where a model's chat template comes from (serve, chat, eval --chat), in order: `--chat-template FILE` (a Jinja source), the
 * model's tokenizer_config.json `chat_template` (a directory), the GGUF's `tokenizer.chat_template` (a file).
 * Undefined when there is none: chat is then refused for that model, never given a default template.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { ConfigError } from "../../errors/MellamaError.js";
import { GgufFile } from "../gguf/GgufFile.js";
import { loadChatTemplate } from "../../tokenizer/chatTemplates.js";

export interface ChatTemplateSource {
    jinja: string;
    /** Where it was read from, for /v1/models and messages. */
    from: string;
}

export function readChatTemplate(modelPath: string, templateFile?: string): ChatTemplateSource | undefined {
    if (templateFile !== undefined) {
        if (!existsSync(templateFile) || !statSync(templateFile).isFile()) {
            throw new ConfigError("--chat-template", `${templateFile}: no such file`);
        }
        if (statSync(templateFile).size > 1024 * 1024) {
            throw new ConfigError("--chat-template", `${templateFile}: larger than 1 MiB, not a chat template`);
        }
        return { jinja: readFileSync(templateFile, "utf8"), from: templateFile };
    }
    if (statSync(modelPath).isDirectory()) {
        const jinja = loadChatTemplate(modelPath);
        return jinja === undefined ? undefined : { jinja, from: "tokenizer_config.json" };
    }
    using gguf = GgufFile.open(modelPath);
    const jinja = gguf.scalar("tokenizer.chat_template");
    return typeof jinja === "string" ? { jinja, from: "tokenizer.chat_template (GGUF)" } : undefined;
}
