/**
 * `mellama chat`: a conversation with a model, rendered with the model's own chat template (tokenizer_config.json
 * chat_template, GGUF tokenizer.chat_template, or --chat-template FILE; a model without one is refused, never given
 * a default). Two ways in:
 *
 * - turns: one user message per input line (a terminal, or lines piped in); each answer streams to `write` as it
 *   is decoded. `/reset` starts over (the system message stays), `/exit` ends. When the conversation outgrows the
 *   context, the oldest turns are dropped (the system message stays) and a note goes to `note`.
 * - scripted (`--messages FILE`): the file's messages (a JSON array, `{messages: [...]}`, or one message per jsonl
 *   line) are taken in order; every user message not followed by an assistant message in the file is answered,
 *   and the answer joins the conversation. One JSON line per answer.
 */
import { readFileSync, statSync } from "node:fs";
import { ConfigError, FormatError } from "../errors/MellamaError.js";
import type { GenerateOptions, InferenceSession } from "../model/inference/index.js";
import { type ChatMessage, encodeChat } from "../tokenizer/chatTemplates.js";

export interface ChatRunOptions {
    session: InferenceSession;
    /** The Jinja source of the model's chat template. */
    template: string;
    system?: string;
    generate: Omit<GenerateOptions, "onText">;
    /** Model text (streamed answers, or JSON lines when scripted). */
    write: (text: string) => void;
    /** Notes for the person at the terminal (stderr). */
    note: (text: string) => void;
}

const MAX_MESSAGES_BYTES = 64 * 1024 * 1024;

/** The messages of a --messages file; errors name the file and the message (never its text). */
export function readChatMessages(path: string): ChatMessage[] {
    let size: number;
    try {
        size = statSync(path).size;
    } catch {
        throw new ConfigError("--messages", `${path}: no such file`);
    }
    if (size > MAX_MESSAGES_BYTES) {
        throw new FormatError(path, "size", `${size} bytes is more than a conversation`);
    }
    const text = readFileSync(path, "utf8");
    let items: unknown[];
    try {
        const whole: unknown = JSON.parse(text);
        items = Array.isArray(whole) ? whole
            : Array.isArray((whole as { messages?: unknown } | null)?.messages) ? (whole as { messages: unknown[] }).messages : [whole];
    } catch {
        items = text.split("\n").flatMap((line, i) => {
            if (line.trim() === "") {
                return [];
            }
            try {
                return [JSON.parse(line) as unknown];
            } catch {
                throw new FormatError(path, `line ${i + 1}`, "is not valid JSON (the file is a JSON array, {messages: [...]}, or one message per line)");
            }
        });
    }
    return items.map((item, i) => {
        const m = item as { role?: unknown; content?: unknown } | null;
        const role = m?.role === "developer" ? "system" : m?.role;
        if (role !== "system" && role !== "user" && role !== "assistant") {
            throw new FormatError(path, `messages[${i}].role`, "must be system, developer, user or assistant");
        }
        if (typeof m?.content !== "string") {
            throw new FormatError(path, `messages[${i}].content`, "must be a string");
        }
        return { role, content: m.content };
    });
}

class Conversation {
    private readonly messages: ChatMessage[] = [];

    public constructor(private readonly options: ChatRunOptions) {
        if (options.system !== undefined) {
            this.messages.push({ role: "system", content: options.system });
        }
    }

    public add(message: ChatMessage): void {
        this.messages.push(message);
    }

    public reset(): void {
        this.messages.splice(this.messages[0]?.role === "system" ? 1 : 0);
    }

    /** Answers the conversation as it stands; the answer joins it. */
    public async answer(onText?: (chunk: string) => void): Promise<{ text: string; tokens: number; finishReason: string }> {
        const { session, template, generate } = this.options;
        const tokenizer = session.tokenizer;
        const encode = (): number[] => encodeChat(tokenizer, this.messages, { template: { jinja: template },
            bosToken: tokenizer.idToPiece(tokenizer.bosId), eosToken: tokenizer.idToPiece(tokenizer.eosId) });
        let ids = encode();
        // Room for at least a short answer; drop the oldest exchange (after any system message) until it fits.
        const room = Math.min(generate.maxTokens, Math.max(1, Math.floor(session.maxContext / 4)));
        while (ids.length + room > session.maxContext) {
            const first = this.messages[0]?.role === "system" ? 1 : 0;
            if (this.messages.length - first <= 1) {
                this.messages.pop();
                throw new ConfigError("message", `the message is ${ids.length} tokens; the model's context is ${session.maxContext}`);
            }
            this.messages.splice(first, this.messages[first + 1]?.role === "assistant" ? 2 : 1);
            this.options.note("(the oldest turn was dropped to fit the context)\n");
            ids = encode();
        }
        const out = await session.batcher.generate(ids, { ...generate,
            maxTokens: Math.min(generate.maxTokens, session.maxContext - ids.length), ...(onText ? { onText } : {}) });
        this.messages.push({ role: "assistant", content: out.text });
        return { text: out.text, tokens: out.tokens.length, finishReason: out.finishReason };
    }
}

/** One user turn per line of `lines`; answers stream to `write`. */
export async function runChatTurns(lines: AsyncIterable<string>, options: ChatRunOptions, prompt: () => void = () => undefined): Promise<void> {
    const conversation = new Conversation(options);
    prompt();
    for await (const raw of lines) {
        const line = raw.trim();
        if (line === "/exit" || line === "/quit") {
            break;
        }
        if (line === "/reset") {
            conversation.reset();
            options.note("(conversation cleared)\n");
        } else if (line !== "") {
            conversation.add({ role: "user", content: raw });
            try {
                await conversation.answer(options.write);
                options.write("\n");
            } catch (error) {
                if (!(error instanceof ConfigError)) {
                    throw error;
                }
                options.note(`mellama: ${error.message}\n`);
            }
        }
        prompt();
    }
}

/** The scripted conversation of a --messages file: one JSON line per generated answer. */
export async function runChatScript(messages: readonly ChatMessage[], options: ChatRunOptions): Promise<void> {
    const conversation = new Conversation(messages[0]?.role === "system" ? { ...options, system: undefined } : options);
    for (const [i, message] of messages.entries()) {
        conversation.add(message);
        if (message.role === "user" && messages[i + 1]?.role !== "assistant") {
            const out = await conversation.answer();
            options.write(`${JSON.stringify({ message: i, role: "assistant", content: out.text, tokens: out.tokens, finishReason: out.finishReason })}\n`);
        }
    }
}
