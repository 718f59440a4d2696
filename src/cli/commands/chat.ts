import type { Command } from "commander";

interface ChatCliOptions {
    model: string; messages?: string; system?: string; chatTemplate?: string; maxTokens: number; temperature: number; topK: number; topP: number;
    seed: number; repetitionPenalty: number; threads?: number; contextSize?: number;
}

export function register(program: Command): void {
    program.command("chat")
        .description("chat with a model in the terminal, rendered with the model's own chat template (its tokenizer_config.json or GGUF); "
            + "answers stream as they are decoded; one message per line (/reset starts over, /exit ends). "
            + "--messages FILE answers a scripted conversation and prints one JSON line per answer")
        .requiredOption("--model <path>", "a Hugging Face directory, a .gguf file, or a mellama run/checkpoint")
        .option("--messages <file>", "scripted use: OpenAI-style messages (JSON array, {messages: [...]}, or one per jsonl line); every user message without a following assistant message is answered")
        .option("--system <text>", "a system message to start the conversation with")
        .option("--chat-template <file>", "a Jinja chat template to use instead of the model's")
        .option("--max-tokens <n>", "maximum new tokens per answer", (v) => Number(v), 512)
        .option("--temperature <t>", "0 = greedy", (v) => Number(v), 0)
        .option("--top-k <k>", "sample from the k most likely tokens (0 = all)", (v) => Number(v), 0)
        .option("--top-p <p>", "nucleus sampling mass", (v) => Number(v), 1)
        .option("--repetition-penalty <p>", "> 1 discourages tokens already seen (1 = off)", (v) => Number(v), 1)
        .option("--seed <s>", "sampling seed", (v) => Number(v), 0)
        .option("--threads <n>", "threads", (v) => Number(v))
        .option("--context-size <n>", "longest conversation + answer in tokens (default: the model's context)", (v) => Number(v))
        .action(async (o: ChatCliOptions) => {
            const { ConfigError } = await import("../../errors/MellamaError.js");
            const { readChatTemplate } = await import("../../formats/model/readChatTemplate.js");
            const { readChatMessages, runChatScript, runChatTurns } = await import("../runChat.js");
            const template = readChatTemplate(o.model, o.chatTemplate);
            if (template === undefined) {
                throw new ConfigError("--model", `${o.model} carries no chat template (tokenizer_config.json chat_template or GGUF tokenizer.chat_template); give one with --chat-template FILE`);
            }
            const messages = o.messages === undefined ? undefined : readChatMessages(o.messages);
            const { loadForInference } = await import("../../model/inference/index.js");
            const session = await loadForInference(o.model, {
                ...(o.threads === undefined ? {} : { threads: o.threads }), ...(o.contextSize === undefined ? {} : { maxContext: o.contextSize }),
            });
            const options = {
                session, template: template.jinja, ...(o.system === undefined ? {} : { system: o.system }),
                generate: { maxTokens: o.maxTokens, temperature: o.temperature, topK: o.topK, topP: o.topP,
                    seed: o.seed, repetitionPenalty: o.repetitionPenalty },
                write: (text: string) => process.stdout.write(text), note: (text: string) => process.stderr.write(text),
            };
            try {
                if (messages !== undefined) {
                    await runChatScript(messages, options);
                } else {
                    const { createInterface } = await import("node:readline");
                    const tty = process.stdin.isTTY === true;
                    const rl = createInterface({ input: process.stdin, terminal: false });
                    if (tty) {
                        process.stderr.write(`chat with ${o.model} (template from ${template.from}); /reset starts over, /exit ends\n`);
                    }
                    await runChatTurns(rl, options, tty ? () => process.stderr.write("> ") : undefined);
                    rl.close();
                }
            } finally {
                session.dispose();
            }
        });
}
