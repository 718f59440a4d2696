/**
 * Turns conversations into training sequences with the loss on assistant turns only. The whole conversation is
 * rendered with the chat template's Jinja source (the one written beside the adapter) and encoded as serving
 * encodes it (encodeChat: BOS/EOS strings become their ids). Which ids carry loss is read off the same template:
 * for assistant turn i, the conversation before it rendered with the generation prompt, and the conversation
 * through it, are encoded; the common prefix of each with the full ids bounds the turn. A merge across a
 * boundary puts the merged token on the later side, so the mask never claims a token the prompt does not own.
 *
 * Layout `pad` (here): one conversation per row, right-padded; a conversation longer than the row loses its
 * leading prompt tokens (up to its first learned token) and then its tail (sftWindow). Layout `pack`
 * (packSftSequences.ts) puts several conversations in one row with per-example positions.
 */
import { ConfigError } from "../errors/MellamaError.js";
import { applyChatTemplate, type ChatMessage, chatTemplateSource, type ChatTemplateOptions, encodeChat } from "../tokenizer/chatTemplates.js";

export interface SftTokenizer {
    readonly bosId: number;
    readonly eosId: number;
    encode(text: string, options?: { bos?: boolean; eos?: boolean }): number[];
    idToPiece(id: number): string;
}

export interface SftExample {
    messages: readonly ChatMessage[];
    /** Where the example came from ("file:line"), for errors. */
    source?: string;
}

/** Which assistant turns carry loss: all of them (default), or the last only. */
export type SftLossOn = "all_assistant_turns" | "last_assistant_turn";

export interface EncodedConversation {
    ids: number[];
    /** learn[i]: ids[i] is predicted with loss (it lies in an assistant turn). */
    learn: boolean[];
}

export interface SftSequences {
    /** (rows, T) input ids. */
    tokens: Int32Array;
    /** (rows, T) next-token targets, -100 where no loss is taken. */
    targets: Int32Array;
    rows: number;
    T: number;
    /** Assistant tokens that carry loss. */
    lossTokens: number;
    /** Conversations cut at the end because their learned tokens did not fit the row. */
    truncated: number;
    /**
     * Packed layout only: (rows, T) position of each token within its own conversation, restarting at 0 where a
     * conversation starts (the row's padding counts as one more); null for one conversation per row.
     */
    positions: Int32Array | null;
    /** Fraction of the rows' positions that hold conversation tokens rather than padding. */
    efficiency: number;
}

/** The ids a conversation keeps in a row of T inputs: [start, end), at most T + 1 ids (inputs and the last target). */
export interface SftWindow {
    start: number;
    end: number;
    /** Learned tokens beyond the window were cut. */
    truncated: boolean;
}

export const IGNORE_INDEX = -100;

/** Checks the roles: an optional system message, then user/assistant alternating from user, ending with an answer. */
export function checkConversation(messages: readonly ChatMessage[], where: string): void {
    const start = messages[0]?.role === "system" ? 1 : 0;
    if (messages.length - start < 2) {
        throw new ConfigError(where, "has no assistant turn (a conversation needs a user turn and its answer)");
    }
    for (let i = start; i < messages.length; i++) {
        const expected = (i - start) % 2 === 0 ? "user" : "assistant";
        if (messages[i]!.role !== expected) {
            throw new ConfigError(where, `message ${i} is "${messages[i]!.role}" where "${expected}" belongs (roles: an optional system, then user/assistant alternating)`);
        }
    }
    if (messages[messages.length - 1]!.role !== "assistant") {
        throw new ConfigError(where, "ends with a user turn that has no answer");
    }
}

function commonPrefix(a: readonly number[], b: readonly number[]): number {
    let n = 0;
    while (n < a.length && n < b.length && a[n] === b[n]) {
        n++;
    }
    return n;
}

/** The ids of one conversation and the mask of its assistant turns, both taken from `template`. */
export function encodeConversation(tokenizer: SftTokenizer, example: SftExample, template: ChatTemplateOptions["template"],
    lossOn: SftLossOn = "all_assistant_turns"): EncodedConversation {
    const where = example.source ?? "conversation";
    const { messages } = example;
    checkConversation(messages, where);
    const options = { template: { jinja: chatTemplateSource(template) }, bosToken: tokenizer.idToPiece(tokenizer.bosId),
        eosToken: tokenizer.idToPiece(tokenizer.eosId) };
    const render = (upTo: number, addGenerationPrompt: boolean): string => {
        try {
            return applyChatTemplate(messages.slice(0, upTo), { ...options, addGenerationPrompt });
        } catch (error) {
            throw new ConfigError(where, `the chat template failed on this conversation: ${(error as Error).message}`);
        }
    };
    const full = render(messages.length, false);
    const ids = encodeChat(tokenizer, messages, { ...options, addGenerationPrompt: false });
    const learn = new Array<boolean>(ids.length).fill(false);
    const turns = messages.flatMap((m, i) => (m.role === "assistant" ? [i] : []));
    for (const i of lossOn === "last_assistant_turn" ? turns.slice(-1) : turns) {
        const before = render(i, true);
        const through = render(i + 1, false);
        if (!full.startsWith(before) || !full.startsWith(through)) {
            throw new ConfigError(where, `the chat template renders the conversation before message ${i} differently once later turns follow; its assistant turns cannot be located`);
        }
        const from = commonPrefix(encodeChat(tokenizer, messages.slice(0, i), { ...options, addGenerationPrompt: true }), ids);
        const to = commonPrefix(encodeChat(tokenizer, messages.slice(0, i + 1), { ...options, addGenerationPrompt: false }), ids);
        learn.fill(true, from, to);
    }
    return { ids, learn };
}

/**
 * The truncation rule: inputs are ids[0..n-2] and targets ids[1..n-1], so a row of T inputs takes T + 1 ids. A
 * longer conversation loses its leading prompt tokens (keeping the token before the first learned one, the input
 * that predicts it) and then its tail.
 */
export function sftWindow({ ids, learn }: EncodedConversation, T: number): SftWindow {
    let start = 0;
    let truncated = false;
    if (ids.length > T + 1) {
        const firstLearned = learn.indexOf(true);
        start = Math.max(0, Math.min(ids.length - (T + 1), firstLearned - 1));
        truncated = learn.lastIndexOf(true) >= start + T + 1;
    }
    return { start, end: Math.min(ids.length, start + T + 1), truncated };
}

/**
 * Writes the window of one conversation at column `col` of a row (tokens and targets are that row's views): the
 * first `inputs` ids of the window as inputs, and the learned ids as the targets of the inputs before them.
 * Returns the learned tokens written.
 */
export function placeConversation(tokens: Int32Array, targets: Int32Array, col: number, { ids, learn }: EncodedConversation,
    { start, end }: SftWindow, inputs: number): number {
    let lossTokens = 0;
    for (let i = start; i < end; i++) {
        const t = col + i - start;
        if (i - start < inputs) {
            tokens[t] = ids[i]!;
        }
        if (i > start && learn[i]) {
            targets[t - 1] = ids[i]!;
            lossTokens++;
        }
    }
    return lossTokens;
}

export function buildSftSequences(encoded: readonly EncodedConversation[], T: number, padId: number): SftSequences {
    const rows = encoded.length;
    const tokens = new Int32Array(rows * T).fill(padId);
    const targets = new Int32Array(rows * T).fill(IGNORE_INDEX);
    let lossTokens = 0;
    let truncated = 0;
    let filled = 0;
    encoded.forEach((conversation, r) => {
        const window = sftWindow(conversation, T);
        truncated += window.truncated ? 1 : 0;
        filled += window.end - window.start - 1;
        // The last id is an input too when it fits (it predicts nothing; the row is padding after it).
        lossTokens += placeConversation(tokens.subarray(r * T, (r + 1) * T), targets.subarray(r * T, (r + 1) * T), 0, conversation,
            window, Math.min(T, window.end - window.start));
    });
    return { tokens, targets, rows, T, lossTokens, truncated, positions: null, efficiency: rows > 0 ? filled / (rows * T) : 0 };
}
