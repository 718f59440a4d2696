/**
 * A chat request's messages as the chat template takes them: text parts joined, "developer" read as "system".
 */
import type { ChatMessage } from "../tokenizer/chatTemplates.js";
import type { ChatCompletionRequest } from "./chatCompletionRequest.js";

export function chatMessages(messages: ChatCompletionRequest["messages"]): ChatMessage[] {
    return messages.map((m) => ({
        role: m.role === "developer" ? "system" : m.role,
        content: typeof m.content === "string" ? m.content : m.content.map((p) => p.text).join(""),
    }));
}
