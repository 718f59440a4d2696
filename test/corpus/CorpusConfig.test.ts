import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { parseCorpusConfig } from "../../src/corpus/CorpusConfig.js";
import { parseShard, readCorpusConfig } from "../../src/corpus/runCorpus.js";
import { ConfigError } from "../../src/errors/MellamaError.js";

const base = { output: "out", tokenizer: "t.model", sources: [{ name: "w", domain: "general", format: "text", path: "w.txt" }] };

test("the corpus config fills Me-LLaMA defaults and refuses unknown keys and bad values, naming them", () => {
    const c = parseCorpusConfig(base, "/data/corpus.yaml");
    assert.deepEqual(c.mix, { biomedical: 15, clinical: 1, general: 4 });
    assert.equal(c.dedup.shingle, 5);
    assert.equal(c.sources[0]!.path, "/data/w.txt");
    const bad: [unknown, RegExp][] = [
        [{ ...base, bogus: 1 }, /corpus\.yaml.*bogus/],
        [{ ...base, quality: { minWordz: 3 } }, /quality\.minWordz/],
        [{ ...base, sources: [{ ...base.sources[0], format: "docx" }] }, /sources\.0\.format/],
        [{ ...base, seqLen: 1 }, /seqLen/],
    ];
    for (const [value, pattern] of bad) {
        assert.throws(() => parseCorpusConfig(value, "/data/corpus.yaml"), pattern);
    }
});

test("--shard is i/N with 0 <= i < N", () => {
    assert.deepEqual(parseShard("1/4"), [1, 4]);
    for (const spec of ["4/4", "1", "-1/2", "a/b"]) {
        assert.throws(() => parseShard(spec), ConfigError);
    }
});

test("a corpus config that cannot be read or parsed is a ConfigError naming the file (and the line)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "corpus-config-"));
    await assert.rejects(readCorpusConfig(join(dir, "missing.yaml")), (e: unknown) => e instanceof ConfigError && /missing\.yaml: cannot read.*ENOENT/.test(e.message));
    writeFileSync(join(dir, "bad.yaml"), "output: out\nsources: [1\n");
    await assert.rejects(readCorpusConfig(join(dir, "bad.yaml")), (e: unknown) => e instanceof ConfigError && /bad\.yaml:3:1: not valid YAML/.test(e.message));
});
