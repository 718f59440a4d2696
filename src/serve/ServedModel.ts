/**
 * One model the server answers for: its inference session (whose SequenceBatcher decodes every request of every
 * client together), its chat template (or none: chat refused), and the admission limits. Requests are counted in
 * sequences (a request with n = 4 is four): up to the batcher's maxBatch decode, up to `maxQueue` more wait, and
 * the next one is answered 429 with Retry-After.
 * A LoRA adapter is served as a model of its own over its base's session (`adapter`): its requests decode in the
 * same batches as the base's and the other adapters', and share their slots and queue.
 */
import type { InferenceSession, LoraAdapter } from "../model/inference/index.js";
import { applyChatTemplate, type ChatMessage, encodeChat } from "../tokenizer/chatTemplates.js";
import { ConfigError } from "../errors/MellamaError.js";
import { OpenaiError } from "./OpenaiError.js";
import type { ChatTemplateSource } from "../formats/model/readChatTemplate.js";

export interface ServedModelOptions {
    name: string;
    session: InferenceSession;
    /** Served as this LoRA adapter over `session`'s (base) weights, unmerged. */
    adapter?: LoraAdapter;
    /** The name of the base model an adapter is served over (for /v1/models). */
    parent?: string;
    chatTemplate?: ChatTemplateSource;
    /** Sequences waiting beyond those decoding; default 64. */
    maxQueue?: number;
    /** Largest max_tokens accepted; default the context length. */
    maxTokensLimit?: number;
    /** Longest prompt in tokens; default the context length minus one (room for one generated token). */
    maxPromptTokens?: number;
}

export class ServedModel {
    public readonly name: string;
    public readonly session: InferenceSession;
    public readonly adapter: LoraAdapter | null;
    public readonly parent: string | null;
    public readonly chatTemplate: ChatTemplateSource | undefined;
    public readonly maxQueue: number;
    public readonly maxTokensLimit: number;
    public readonly maxPromptTokens: number;
    public readonly created = Math.floor(Date.now() / 1000);

    public constructor({ name, session, adapter, parent, chatTemplate, maxQueue = 64,
        maxTokensLimit = session.maxContext, maxPromptTokens = session.maxContext - 1 }: ServedModelOptions) {
        this.name = name;
        this.session = session;
        this.adapter = adapter ?? null;
        this.parent = parent ?? null;
        this.chatTemplate = chatTemplate;
        this.maxQueue = maxQueue;
        this.maxTokensLimit = Math.min(maxTokensLimit, session.maxContext);
        this.maxPromptTokens = Math.min(maxPromptTokens, session.maxContext - 1);
    }

    /** Sequences decoding or waiting. */
    public get pending(): number {
        return this.session.batcher.pending;
    }

    /** Throws 429 when `sequences` more would overflow the queue. */
    public admit(sequences: number): void {
        const capacity = this.session.batcher.maxBatch + this.maxQueue;
        if (this.pending + sequences > capacity) {
            throw new OpenaiError(429, `the server is at capacity (${this.pending} sequences decoding or queued for "${this.name}", at most ${capacity}); retry later`,
                "rate_limit_error", null, "rate_limit_exceeded", 1);
        }
    }

    /** The conversation as prompt ids (the template's BOS/EOS strings become their ids). */
    public encodeChat(messages: readonly ChatMessage[]): number[] {
        return templated(() => encodeChat(this.session.tokenizer, messages, this.templateOptions()));
    }

    /** The conversation as the text the model sees (the web page shows it on request). */
    public renderChat(messages: readonly ChatMessage[]): string {
        return templated(() => applyChatTemplate(messages, this.templateOptions()));
    }

    /** Checks a prompt's length against the limits (400 context_length_exceeded). */
    public checkPrompt(ids: readonly number[], param: string): void {
        if (ids.length > this.maxPromptTokens) {
            throw new OpenaiError(400, `this model's maximum context length is ${this.session.maxContext} tokens; the prompt has ${ids.length} `
                + `(at most ${this.maxPromptTokens} accepted)`, "invalid_request_error", param, "context_length_exceeded");
        }
        const vocab = this.session.config.vocabSize;
        const bad = ids.findIndex((id) => id < 0 || id >= vocab);
        if (bad >= 0) {
            throw new OpenaiError(400, `token id at position ${bad} is outside the vocabulary (0..${vocab - 1})`, "invalid_request_error", param, "invalid_value");
        }
    }

    /** max_tokens as asked (or the default), checked against the limit and cut to the room left in the context. */
    public maxTokensFor(promptLength: number, asked: number | null | undefined, fallback: number, param: string): number {
        if (asked !== null && asked !== undefined && asked > this.maxTokensLimit) {
            throw new OpenaiError(400, `max_tokens is too large: ${asked}; this server allows at most ${this.maxTokensLimit}`, "invalid_request_error", param, "invalid_value");
        }
        return Math.max(1, Math.min(asked ?? fallback, this.maxTokensLimit, this.session.maxContext - promptLength));
    }

    private templateOptions(): { template: { jinja: string }; bosToken: string; eosToken: string } {
        if (this.chatTemplate === undefined) {
            throw new OpenaiError(400, `model "${this.name}" has no chat template (none in its tokenizer_config.json or GGUF metadata); `
                + "start mellama serve with --chat-template FILE, or use /v1/completions", "invalid_request_error", "messages", "chat_template_missing");
        }
        const t = this.session.tokenizer;
        return { template: { jinja: this.chatTemplate.jinja }, bosToken: t.idToPiece(t.bosId), eosToken: t.idToPiece(t.eosId) };
    }
}

/** A template that refuses the conversation (raise_exception, bad roles) or fails to render is the request's fault: 400. */
function templated<T>(render: () => T): T {
    try {
        return render();
    } catch (error) {
        if (error instanceof ConfigError) {
            throw new OpenaiError(400, error.message.slice(0, 300), "invalid_request_error", "messages", "invalid_value");
        }
        throw error;
    }
}
