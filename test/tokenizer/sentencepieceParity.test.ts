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

// Oracle: reference/py/make_tokenizer_unused_cases.py (words.model with 54 pieces marked UNUSED, ids from
// python3-sentencepiece): merges may form unused pieces, which are then split back into their halves.
test("UNUSED pieces are resegmented as sentencepiece does", () => {
    const unused = JSON.parse(readFileSync(`${fixtures}unused_cases.json`, "utf8")) as { cases: { text: string; ids: number[] }[] };
    const tokenizer = loadTokenizer(`${fixtures}words_unused.model`);
    const plain = loadTokenizer(`${fixtures}words.model`);
    let differing = 0;
    for (const [i, c] of unused.cases.entries()) {
        assert.deepEqual(tokenizer.encode(c.text), c.ids, `case ${i}`);
        differing += plain.encode(c.text).length === c.ids.length ? 0 : 1;
    }
    assert.ok(differing > 10, `only ${differing} texts touched an unused piece`);
});
