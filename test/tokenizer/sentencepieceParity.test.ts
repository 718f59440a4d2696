import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadTokenizer } from "../../src/tokenizer/loadTokenizer.js";

// Oracle: reference/py/make_tokenizer_cases.py (python3-sentencepiece) — two BPE models trained on clinical notes
// and PubMed abstracts with LLaMA-2's settings, encode/decode cases on held-out and adversarial text. Exact match.
const fixtures = fileURLToPath(new URL("../fixtures/tokenizer/", import.meta.url));
const { cases } = JSON.parse(readFileSync(`${fixtures}cases.json`, "utf8")) as {
    cases: { model: string; text?: string; ids: number[]; decoded: string; decodeOnly?: boolean }[];
};

for (const model of ["llama_like", "words"]) {
    test(`identical ids and decodes to python3-sentencepiece (${model}.model)`, () => {
        const tokenizer = loadTokenizer(`${fixtures}${model}.model`);
        let checked = 0;
        for (const c of cases.filter((x) => x.model === model)) {
            if (!c.decodeOnly) {
                assert.deepEqual(tokenizer.encode(c.text!), c.ids, `encode ${JSON.stringify(c.text!.slice(0, 60))}`);
            }
            assert.equal(tokenizer.decode(c.ids), c.decoded, `decode ${JSON.stringify(c.ids.slice(0, 12))}`);
            checked++;
        }
        assert.ok(checked > 50);
    });
}

test("BOS and EOS are added only when asked", () => {
    const tokenizer = loadTokenizer(`${fixtures}words.model`);
    const ids = tokenizer.encode("fever");
    assert.deepEqual(tokenizer.encode("fever", { bos: true, eos: true }), [tokenizer.bosId, ...ids, tokenizer.eosId]);
    assert.equal(tokenizer.decode([tokenizer.bosId, ...ids, tokenizer.eosId]), "fever");
});
