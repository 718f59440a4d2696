import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import llamaTokenizer from "llama-tokenizer-js";
import { SentencePieceBpe } from "../../src/tokenizer/SentencePieceBpe.js";
import { dataDir } from "../../src/util/dataDir.js";
import { llama2Model } from "./llama2Vocabulary.js";

// Oracle: llama-tokenizer-js carries the real LLaMA-2 vocabulary (32000 pieces) and its merge list. We rebuild
// LLaMA-2's tokenizer.json from that data (llama2Vocabulary.ts), load it with mellama's reader, and ask for
// identical ids.
const llama2 = new SentencePieceBpe(llama2Model());
const pqal = join(dataDir(), "pubmedqa", "ori_pqal.json");

test("the LLaMA-2 vocabulary loads with LLaMA-2's special ids", () => {
    assert.equal(llama2.vocabSize, 32000);
    assert.deepEqual([llama2.unkId, llama2.bosId, llama2.eosId], [0, 1, 2]);
    assert.equal(llama2.pieceToId("<0x0A>"), 13);
});

test("identical ids to llama-tokenizer-js on hand-picked text", () => {
    for (const text of ["Hello world", " leading space", "BP 120/80 mmHg, HR 72", "naïve café — 日本語 🩺", "a\n\nb\t\tc   d", "ſtrange ǅ \u0301x"]) {
        assert.deepEqual(llama2.encode(text), llamaTokenizer.encode(text, false, true), JSON.stringify(text));
        assert.deepEqual(llama2.encode(text, { bos: true }), llamaTokenizer.encode(text, true, true));
        assert.equal(llama2.decode(llama2.encode(text)), text);
    }
});

test("identical ids to llama-tokenizer-js on every PubMedQA context", { skip: existsSync(pqal) ? false : `no ${pqal}` }, () => {
    const entries = Object.values(JSON.parse(readFileSync(pqal, "utf8")) as Record<string, { CONTEXTS: string[] }>);
    let contexts = 0;
    for (const entry of entries) {
        for (const text of entry.CONTEXTS) {
            const ours = llama2.encode(text);
            const theirs = llamaTokenizer.encode(text, false, true);
            // Compare cheaply first, so a mismatch reports only the first differing position, never the text.
            if (ours.length !== theirs.length || ours.some((id, i) => id !== theirs[i])) {
                const at = ours.findIndex((id, i) => id !== theirs[i]);
                assert.fail(`context ${contexts}: ids differ at position ${at} (${ours[at]} vs ${theirs[at]})`);
            }
            contexts++;
        }
    }
    assert.ok(entries.length >= 1000 && contexts > 2000, `${entries.length} entries, ${contexts} contexts`);
});
