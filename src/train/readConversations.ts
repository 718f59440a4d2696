/**
 * Reads SFT data: one record per jsonl line, each a conversation of any length in one of three shapes —
 * ShareGPT (`{conversations: [{from, value}]}`, from: system | human | user | gpt | agent | assistant, as
 * `mellama instruct build`, FastChat and LLaMA-Factory write it), OpenAI chat (`{messages: [{role, content}]}`),
 * or Alpaca (`{instruction, input?, output}`, one turn). Roles are checked here (an optional system message, then
 * user/assistant alternating, ending with an answer); errors name the file and line, never the text.
 */
import { readFileSync, statSync } from "node:fs";
import { ConfigError } from "../errors/MellamaError.js";
import type { ChatMessage } from "../tokenizer/chatTemplates.js";
import { checkConversation, type SftExample } from "./sftSequences.js";

/** Instruction files above this size are refused before reading (Me-LLaMA's whole instruction set is ~1 GB). */
const MAX_INSTRUCTION_BYTES = 8 * 1024 * 1024 * 1024;

const SHAREGPT_ROLES: Record<string, ChatMessage["role"]> = {
    system: "system", human: "user", user: "user", gpt: "assistant", agent: "assistant", assistant: "assistant", chatgpt: "assistant",
};

function messagesOf(r: Record<string, unknown>, where: string): ChatMessage[] {
    if (Array.isArray(r.conversations)) {
        return r.conversations.map((turn: unknown, i) => {
            const t = turn as { from?: unknown; value?: unknown } | null;
            const role = typeof t?.from === "string" ? SHAREGPT_ROLES[t.from] : undefined;
            if (role === undefined) {
                throw new ConfigError(where, `conversations[${i}].from must be one of ${Object.keys(SHAREGPT_ROLES).join(", ")}`);
            }
            if (typeof t?.value !== "string") {
                throw new ConfigError(where, `conversations[${i}].value must be a string`);
            }
            return { role, content: t.value };
        });
    }
    if (Array.isArray(r.messages)) {
        return r.messages.map((message: unknown, i) => {
            const m = message as { role?: unknown; content?: unknown } | null;
            const role = m?.role === "developer" ? "system" : m?.role;
            if (role !== "system" && role !== "user" && role !== "assistant") {
                throw new ConfigError(where, `messages[${i}].role must be system, developer, user or assistant`);
            }
            if (typeof m?.content !== "string") {
                throw new ConfigError(where, `messages[${i}].content must be a string`);
            }
            return { role, content: m.content };
        });
    }
    if (typeof r.instruction === "string" && typeof r.output === "string") {
        const input = typeof r.input === "string" && r.input !== "" ? `\n${r.input}` : "";
        return [{ role: "user", content: r.instruction + input }, { role: "assistant", content: r.output }];
    }
    throw new ConfigError(where, "is neither a ShareGPT conversation, an OpenAI messages record nor an Alpaca record");
}

export function readConversations(path: string): SftExample[] {
    let size: number;
    try {
        size = statSync(path).size;
    } catch {
        throw new ConfigError(path, "no such file");
    }
    if (size > MAX_INSTRUCTION_BYTES) {
        throw new ConfigError(path, `${size} bytes is more than an instruction file this reader holds in memory`);
    }
    const out: SftExample[] = [];
    readFileSync(path, "utf8").split("\n").forEach((line, i) => {
        if (line.trim() === "") {
            return;
        }
        const where = `${path}:${i + 1}`;
        let r: unknown;
        try {
            r = JSON.parse(line);
        } catch {
            throw new ConfigError(where, "is not valid JSON");
        }
        if (r === null || typeof r !== "object" || Array.isArray(r)) {
            throw new ConfigError(where, "must be a JSON object");
        }
        const messages = messagesOf(r as Record<string, unknown>, where);
        checkConversation(messages, where);
        out.push({ messages, source: where });
    });
    return out;
}
