import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { FormatError } from "../../src/errors/MellamaError.js";
import { SentencePieceBpe } from "../../src/tokenizer/SentencePieceBpe.js";
import { parseTokenizerJson, toTokenizerJson } from "../../src/tokenizer/tokenizerJson.js";
import { trainBpe } from "../../src/tokenizer/trainBpe.js";
import { Rng } from "../../src/util/rng.js";

// Seeded fuzz of the tokenizer.json reader: structural mutations (a value anywhere replaced by a wrong type, a
// huge or negative number, a long string, a deleted key) and text mutations (truncation, byte flips). Only a
// FormatError naming the file, or a tokenizer that encodes and decodes, may come out.
const fixtures = fileURLToPath(new URL("../fixtures/tokenizer/", import.meta.url));
// A small vocabulary (400 pieces, ~20 KB of JSON) keeps a few thousand cases within a few seconds.
const { cases } = JSON.parse(readFileSync(`${fixtures}cases.json`, "utf8")) as { cases: { text?: string }[] };
const valid = toTokenizerJson(trainBpe(cases.slice(0, 30).flatMap((c) => c.text ?? []), { vocabSize: 400, userDefinedSymbols: ["[INST]"] }));
const strange: unknown[] = [null, true, -1, 1e300, 2 ** 31, 0.5, "", "x".repeat(5000), [], [[]], {}, { id: "1" }, [1, 2], ["a b c"], "\u2581 \u2581"];

/** Every (container, key) in the JSON tree, sampled: vocab and merges hold thousands, so we take a few. */
function slots(root: unknown, rng: Rng): [Record<string, unknown> | unknown[], string | number][] {
    const found: [Record<string, unknown> | unknown[], string | number][] = [];
    const walk = (node: unknown): void => {
        if (Array.isArray(node)) {
            for (let k = 0; k < Math.min(node.length, 3); k++) {
                const i = rng.int(node.length);
                found.push([node, i]);
                walk(node[i]);
            }
        } else if (node !== null && typeof node === "object") {
            const keys = Object.keys(node);
            for (const key of keys.length > 20 ? [keys[rng.int(keys.length)]!, keys[rng.int(keys.length)]!] : keys) {
                found.push([node as Record<string, unknown>, key]);
                walk((node as Record<string, unknown>)[key]);
            }
        }
    };
    walk(root);
    return found;
}

test("mutated tokenizer.json files give FormatErrors naming the file, or a working tokenizer", () => {
    const rng = new Rng(7);
    let rejected = 0;
    let accepted = 0;
    for (let i = 0; i < 3000; i++) {
        let text: string;
        if (i % 5 === 0) {
            text = valid.slice(0, rng.int(valid.length));
        } else if (i % 5 === 1) {
            const chars = [...valid.slice(0, 4000)];
            chars[rng.int(chars.length)] = String.fromCharCode(rng.int(128));
            text = chars.join("") + valid.slice(4000);
        } else {
            const json = JSON.parse(valid) as unknown;
            const all = slots(json, rng);
            for (let k = 0; k < 1 + rng.int(2); k++) {
                const [container, key] = all[rng.int(all.length)]!;
                if (rng.int(4) === 0 && !Array.isArray(container)) {
                    delete container[key as string];
                } else {
                    (container as Record<string | number, unknown>)[key] = strange[rng.int(strange.length)];
                }
            }
            text = JSON.stringify(json);
        }
        try {
            const tokenizer = new SentencePieceBpe(parseTokenizerJson(text, "t.json"));
            const ids = tokenizer.encode("BP 120/80, fever 🩺", { bos: true, eos: true });
            tokenizer.decode(ids);
            accepted++;
        } catch (error) {
            assert.ok(error instanceof FormatError, `case ${i}: ${String(error)}`);
            assert.match(error.message, /^t\.json: /);
            rejected++;
        }
    }
    assert.ok(rejected > 1000 && accepted > 100, `${rejected} rejected, ${accepted} accepted`);
});

test("a GPT-2-style byte-level tokenizer.json is refused by name", () => {
    const json = JSON.parse(valid) as Record<string, unknown>;
    json.pre_tokenizer = { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true };
    assert.throws(() => parseTokenizerJson(JSON.stringify(json), "gpt2.json"), (e: unknown) => e instanceof FormatError && /pre_tokenizer: is ByteLevel/.test(e.message));
});
