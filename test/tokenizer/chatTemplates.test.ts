import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { ConfigError, FormatError } from "../../src/errors/MellamaError.js";
import { type ChatMessage, LLAMA2_JINJA_TEMPLATE, alpacaPrompt, applyChatTemplate, encodeChat, loadChatTemplate, mellamaPrompt } from "../../src/tokenizer/chatTemplates.js";
import { loadTokenizer } from "../../src/tokenizer/loadTokenizer.js";

const fixtures = fileURLToPath(new URL("../fixtures/tokenizer/", import.meta.url));
const conversation: ChatMessage[] = [
    { role: "system", content: "You are a careful clinician." },
    { role: "user", content: " What does BP 140/90 suggest? " },
    { role: "assistant", content: "Stage 2 hypertension." },
    { role: "user", content: "And 118/76?" },
];

// Snapshots: the exact strings each template must produce for `conversation`.
test("llama2 snapshot", () => {
    assert.equal(applyChatTemplate(conversation, { template: "llama2" }),
        "<s>[INST] <<SYS>>\nYou are a careful clinician.\n<</SYS>>\n\n What does BP 140/90 suggest? [/INST] Stage 2 hypertension. </s><s>[INST] And 118/76? [/INST]");
});

test("alpaca snapshot, and the Stanford Alpaca prompts", () => {
    assert.equal(applyChatTemplate(conversation.slice(1), { template: "alpaca" }),
        "<s>Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n"
        + "### Instruction:\n What does BP 140/90 suggest? \n\n### Response:\nStage 2 hypertension.</s>\n\n### Instruction:\nAnd 118/76?\n\n### Response:\n");
    assert.equal(alpacaPrompt({ instruction: "Summarize.", input: "Note text", output: "Done." }),
        "Below is an instruction that describes a task, paired with an input that provides further context. Write a response that appropriately completes the request.\n\n"
        + "### Instruction:\nSummarize.\n\n### Input:\nNote text\n\n### Response:\nDone.");
});

test("Me-LLaMA wrapper is byte-exact (model_prompt.py mellama_prompt)", () => {
    assert.equal(mellamaPrompt("Q: x?"), "Human: \nQ: x?\n\nAssistant: \n");
    assert.equal(applyChatTemplate([{ role: "user", content: "Q: x?" }], { template: "mellama" }), `<s>${mellamaPrompt("Q: x?")}`);
    assert.equal(applyChatTemplate(conversation, { template: "mellama" }),
        "<s>You are a careful clinician.\n\nHuman: \n What does BP 140/90 suggest? \n\nAssistant: \nStage 2 hypertension.</s>Human: \nAnd 118/76?\n\nAssistant: \n");
    assert.equal(applyChatTemplate(conversation, { template: "llama3", bosToken: "<|begin_of_text|>" }),
        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are a careful clinician.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n"
        + "What does BP 140/90 suggest?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\nStage 2 hypertension.<|eot_id|>"
        + "<|start_header_id|>user<|end_header_id|>\n\nAnd 118/76?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
});

test("built-in templates are their Jinja sources; roles are checked", () => {
    const conversations: ChatMessage[][] = [
        conversation,
        conversation.slice(1),
        conversation.slice(0, 3),
        [{ role: "user", content: "hi" }],
        [{ role: "system", content: "S" }, { role: "user", content: "\n u \n" }, { role: "assistant", content: " a " }],
    ];
    for (const messages of conversations) {
        assert.equal(applyChatTemplate(messages, { template: { jinja: LLAMA2_JINJA_TEMPLATE } }), applyChatTemplate(messages, { template: "llama2" }));
    }
    assert.throws(() => applyChatTemplate([{ role: "assistant", content: "a" }], { template: { jinja: LLAMA2_JINJA_TEMPLATE } }),
        (e: unknown) => e instanceof ConfigError && /alternate/.test(e.message));
});

test("encodeChat gives Meta's reference ids for Llama-2-chat (per-turn encode, BOS each turn, EOS after answers)", () => {
    const tokenizer = loadTokenizer(`${fixtures}words.model`);
    const ids = encodeChat(tokenizer, conversation, { template: "llama2" });
    const expected = [
        ...tokenizer.encode("[INST] <<SYS>>\nYou are a careful clinician.\n<</SYS>>\n\n What does BP 140/90 suggest? [/INST] Stage 2 hypertension. ", { bos: true, eos: true }),
        ...tokenizer.encode("[INST] And 118/76? [/INST]", { bos: true }),
    ];
    assert.deepEqual(ids, expected);
});

test("a tokenizer_config.json chat_template loads and renders; bad ones are typed errors", () => {
    const dir = mkdtempSync(join(tmpdir(), "chat-"));
    assert.equal(loadChatTemplate(dir), undefined);
    writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify({ chat_template: [{ name: "default", template: "{% for m in messages %}<{{ m.role }}>{{ m.content }}{% endfor %}{% if add_generation_prompt %}<assistant>{% endif %}" }] }));
    const jinja = loadChatTemplate(dir)!;
    assert.equal(applyChatTemplate(conversation.slice(1, 2), { template: { jinja } }), "<user> What does BP 140/90 suggest? <assistant>");
    assert.equal(applyChatTemplate(conversation.slice(1, 2), { template: { jinja }, addGenerationPrompt: false }), "<user> What does BP 140/90 suggest? ");
    writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify({ chat_template: 7 }));
    assert.throws(() => loadChatTemplate(dir), (e: unknown) => e instanceof FormatError && /chat_template/.test(e.message));
    writeFileSync(join(dir, "tokenizer_config.json"), "{");
    assert.throws(() => loadChatTemplate(dir), FormatError);
    assert.throws(() => applyChatTemplate(conversation, { template: { jinja: "{% for %}" } }), ConfigError);
    assert.throws(() => applyChatTemplate([{ role: "assistant", content: "x" }], { template: "llama2" }), ConfigError);
});
