/**
 * Chat templates: how a conversation becomes the text (and ids) a chat model was tuned on.
 *
 * - `llama2`: Meta's Llama-2-chat format, `<s>[INST] <<SYS>>\n{system}\n<</SYS>>\n\n{user} [/INST] {answer} </s>`,
 *   rendered as Hugging Face's Llama-2 `chat_template` renders it (the tests check the two agree), and encoded as
 *   Meta's reference does (each turn its own sentencepiece encode with BOS, EOS after each answer).
 * - `alpaca`: the Stanford Alpaca prompt ("Below is an instruction ...", `### Instruction:` / `### Response:`).
 * - `mellama`: Me-LLaMA's evaluation wrapper `"Human: \n{ctx}\n\nAssistant: \n"` (model_prompt.py), byte for byte.
 * - any Jinja `chat_template` from a tokenizer_config.json, rendered with @huggingface/jinja as transformers'
 *   apply_chat_template does (messages, bos_token, eos_token, add_generation_prompt, raise_exception).
 *
 * Not here: tool calls and multimodal content; messages are plain strings.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Template } from "@huggingface/jinja";
import { ConfigError, FormatError } from "../errors/MellamaError.js";
import type { Tokenizer } from "./Tokenizer.js";

export interface ChatMessage {
    role: "system" | "user" | "assistant";
    content: string;
}

export const CHAT_TEMPLATE_NAMES = ["llama2", "llama3", "mellama", "alpaca", "plain"] as const;
export type ChatTemplateName = typeof CHAT_TEMPLATE_NAMES[number];

export interface ChatTemplateOptions {
    /** A built-in template, or the source of a Jinja chat_template. */
    template: ChatTemplateName | { jinja: string };
    /** End with the opening of the assistant's turn (default true), as add_generation_prompt does. */
    addGenerationPrompt?: boolean;
    bosToken?: string;
    eosToken?: string;
}

const ALPACA_PREAMBLE = "Below is an instruction that describes a task. Write a response that appropriately completes the request.";
const ALPACA_INPUT_PREAMBLE = "Below is an instruction that describes a task, paired with an input that provides further context. "
    + "Write a response that appropriately completes the request.";

/** Optional leading system message, then user/assistant alternating from user; anything else is refused by name. */
const ALTERNATION = "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}{% set system_message = messages[0]['content'] %}"
    + "{% else %}{% set loop_messages = messages %}{% set system_message = false %}{% endif %}";
const CHECK_ROLE = "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}";

/** The Llama-2-chat chat_template as Hugging Face ships it in meta-llama/Llama-2-7b-chat-hf. */
export const LLAMA2_JINJA_TEMPLATE = `${ALTERNATION}{% for message in loop_messages %}${CHECK_ROLE}`
    + "{% if loop.index0 == 0 and system_message != false %}{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}"
    + "{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}"
    + "{% elif message['role'] == 'assistant' %}{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}";

/** The chat_template of meta-llama/Meta-Llama-3-8B-Instruct (header tokens, trimmed content, <|eot_id|> after every turn). */
export const LLAMA3_JINJA_TEMPLATE = "{% set loop_messages = messages %}{% for message in loop_messages %}"
    + "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n'+ message['content'] | trim + '<|eot_id|>' %}"
    + "{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
    + "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}";

/**
 * Me-LLaMA's `Human:/Assistant:` wrapper (model_prompt.py) as a multi-turn template: a turn is exactly
 * mellamaPrompt(user) followed by the answer and EOS; a system message comes first, followed by a blank line.
 */
export const MELLAMA_JINJA_TEMPLATE = `${ALTERNATION}{{ bos_token }}{% if system_message != false %}{{ system_message + '\\n\\n' }}{% endif %}`
    + `{% for message in loop_messages %}${CHECK_ROLE}`
    + "{% if message['role'] == 'user' %}{{ 'Human: \\n' + message['content'] + '\\n\\n' }}"
    + "{% else %}{{ 'Assistant: \\n' + message['content'] + eos_token }}{% endif %}{% endfor %}"
    + "{% if add_generation_prompt %}{{ 'Assistant: \\n' }}{% endif %}";

/** Stanford Alpaca's prompt per turn (the system message replaces the preamble); EOS ends each response, a blank line follows it. */
export const ALPACA_JINJA_TEMPLATE = `${ALTERNATION}{{ bos_token }}{% if system_message != false %}{{ system_message }}{% else %}{{ '${ALPACA_PREAMBLE}' }}{% endif %}{{ '\\n\\n' }}`
    + `{% for message in loop_messages %}${CHECK_ROLE}`
    + "{% if message['role'] == 'user' %}{% if loop.index0 > 0 %}{{ '\\n\\n' }}{% endif %}{{ '### Instruction:\\n' + message['content'] + '\\n\\n' }}"
    + "{% else %}{{ '### Response:\\n' + message['content'] + eos_token }}{% endif %}{% endfor %}"
    + "{% if add_generation_prompt %}{{ '### Response:\\n' }}{% endif %}";

/** No wrapping: BOS, the prompt, the answer and EOS, turn after turn (what `sft` trained on before templates). */
export const PLAIN_JINJA_TEMPLATE = `${ALTERNATION}{% for message in loop_messages %}${CHECK_ROLE}`
    + "{% if message['role'] == 'user' %}{% if loop.index0 == 0 and system_message != false %}{{ bos_token + system_message + '\\n\\n' + message['content'] }}"
    + "{% else %}{{ bos_token + message['content'] }}{% endif %}{% else %}{{ message['content'] + eos_token }}{% endif %}{% endfor %}";

/** The Jinja source of each built-in template: what is rendered, and what is written into tokenizer_config.json / GGUF. */
export const CHAT_TEMPLATES: Readonly<Record<ChatTemplateName, string>> = {
    llama2: LLAMA2_JINJA_TEMPLATE,
    llama3: LLAMA3_JINJA_TEMPLATE,
    mellama: MELLAMA_JINJA_TEMPLATE,
    alpaca: ALPACA_JINJA_TEMPLATE,
    plain: PLAIN_JINJA_TEMPLATE,
};

/** Me-LLaMA's `mellama_prompt` wrapper around an evaluation context (me-llama-spec §3.2). */
export function mellamaPrompt(context: string): string {
    return `Human: \n${context}\n\nAssistant: \n`;
}

/** One Alpaca prompt; with `output`, the full training text. */
export function alpacaPrompt({ instruction, input = "", output }: { instruction: string; input?: string; output?: string }): string {
    const head = input === ""
        ? `${ALPACA_PREAMBLE}\n\n### Instruction:\n${instruction}\n\n### Response:\n`
        : `${ALPACA_INPUT_PREAMBLE}\n\n### Instruction:\n${instruction}\n\n### Input:\n${input}\n\n### Response:\n`;
    return output === undefined ? head : head + output;
}

/** The Jinja source of a template option (a built-in by name, or the given source). */
export function chatTemplateSource(template: ChatTemplateOptions["template"]): string {
    if (typeof template === "object") {
        return template.jinja;
    }
    const source = (CHAT_TEMPLATES as Record<string, string | undefined>)[template];
    if (source === undefined) {
        throw new ConfigError("template", `unknown chat template "${String(template)}" (${CHAT_TEMPLATE_NAMES.join(", ")}, or a Jinja file)`);
    }
    return source;
}

/**
 * A `template:` setting: a built-in name, or the path of a Jinja file (at most 1 MiB). Returns the Jinja source.
 */
export function chatTemplateOfSetting(setting: string): string {
    if ((CHAT_TEMPLATE_NAMES as readonly string[]).includes(setting)) {
        return CHAT_TEMPLATES[setting as ChatTemplateName];
    }
    if (!existsSync(setting) || !statSync(setting).isFile()) {
        throw new ConfigError("template", `"${setting}" is neither a built-in template (${CHAT_TEMPLATE_NAMES.join(", ")}) nor a Jinja file`);
    }
    if (statSync(setting).size > 1024 * 1024) {
        throw new ConfigError("template", `${setting}: larger than 1 MiB, not a chat template`);
    }
    const source = readFileSync(setting, "utf8");
    try {
        new Template(source);
    } catch (error) {
        throw new ConfigError("template", `${setting} does not parse as Jinja: ${(error as Error).message}`);
    }
    return source;
}

/** The conversation as text, ready to be encoded (see encodeChat for the ids). */
export function applyChatTemplate(messages: readonly ChatMessage[], options: ChatTemplateOptions): string {
    const { template, addGenerationPrompt = true, bosToken = "<s>", eosToken = "</s>" } = options;
    return renderJinja(chatTemplateSource(template), messages, { addGenerationPrompt, bosToken, eosToken });
}

/**
 * The conversation as ids: the rendered text is cut at the BOS/EOS token strings, which become their ids, and each
 * piece between them is encoded on its own — for llama2 exactly Meta's reference (encode per turn, bos=True,
 * eos=True after each answer). `addGenerationPrompt` applies as in applyChatTemplate.
 */
export function encodeChat(tokenizer: Pick<Tokenizer, "bosId" | "eosId" | "encode"> & Partial<Pick<Tokenizer, "pieceToId">>, messages: readonly ChatMessage[], options: ChatTemplateOptions): number[] {
    const bosToken = options.bosToken ?? "<s>";
    const eosToken = options.eosToken ?? "</s>";
    const text = applyChatTemplate(messages, { ...options, bosToken, eosToken });
    const ids: number[] = [];
    let at = 0;
    while (at < text.length) {
        const b = text.indexOf(bosToken, at);
        const e = text.indexOf(eosToken, at);
        const next = b < 0 ? e : e < 0 ? b : Math.min(b, e);
        const end = next < 0 ? text.length : next;
        if (end > at) {
            ids.push(...tokenizer.encode(text.slice(at, end)));
        }
        if (next < 0) {
            break;
        }
        const isBos = next === b;
        // The token the string names (LLaMA-3-Instruct ends turns with <|eot_id|>, not its tokenizer's EOS), else BOS/EOS.
        ids.push(tokenizer.pieceToId?.(isBos ? bosToken : eosToken) ?? (isBos ? tokenizer.bosId : tokenizer.eosId));
        at = next + (isBos ? bosToken.length : eosToken.length);
    }
    return ids;
}

/**
 * The chat_template of a tokenizer_config.json (file or its directory), or undefined when it has none. A list of
 * named templates (transformers' multi-template form) yields the one named "default".
 */
export function loadChatTemplate(path: string): string | undefined {
    const file = existsSync(path) && statSync(path).isDirectory() ? join(path, "tokenizer_config.json") : path;
    if (!existsSync(file)) {
        return undefined;
    }
    if (statSync(file).size > 64 * 1024 * 1024) {
        throw new FormatError(file, "size", "is larger than any tokenizer_config.json");
    }
    let config: unknown;
    try {
        config = JSON.parse(readFileSync(file, "utf8"));
    } catch {
        throw new FormatError(file, "json", "is not valid JSON");
    }
    if (config === null || typeof config !== "object" || Array.isArray(config)) {
        throw new FormatError(file, "json", "must be an object");
    }
    const template = (config as Record<string, unknown>).chat_template;
    if (template === undefined || template === null || typeof template === "string") {
        return template ?? undefined;
    }
    if (Array.isArray(template)) {
        const named = template.find((t: unknown) => typeof t === "object" && t !== null && (t as { name?: unknown }).name === "default") as
            { template?: unknown } | undefined;
        if (typeof named?.template === "string") {
            return named.template;
        }
    }
    throw new FormatError(file, "chat_template", "must be a string or a list of {name, template} with one named \"default\"");
}

function renderJinja(source: string, messages: readonly ChatMessage[], ctx: { addGenerationPrompt: boolean; bosToken: string; eosToken: string }): string {
    let template: Template;
    try {
        template = new Template(source);
    } catch (error) {
        throw new ConfigError("chat_template", `does not parse as Jinja: ${(error as Error).message}`);
    }
    try {
        return template.render({
            messages: messages.map((m) => ({ role: m.role, content: m.content })),
            // raise_exception is a built-in of @huggingface/jinja; its error is wrapped below.
            bos_token: ctx.bosToken, eos_token: ctx.eosToken, add_generation_prompt: ctx.addGenerationPrompt,
        });
    } catch (error) {
        throw new ConfigError("chat_template", `failed to render: ${(error as Error).message}`);
    }
}
