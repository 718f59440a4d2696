import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { buildDocuments } from "../../src/corpus/buildCorpus.js";
import { parseCorpusConfig } from "../../src/corpus/CorpusConfig.js";
import { SourceReadError } from "../../src/errors/SourceReadError.js";

const tokenizer = fileURLToPath(new URL("../fixtures/tokenizer/words.model", import.meta.url));

test("an unreadable source stops the stage with a SourceReadError; finished shards and markers stay", async () => {
    const dir = mkdtempSync(join(tmpdir(), "corpus-src-"));
    try {
        writeFileSync(join(dir, "a.jsonl"), `${JSON.stringify({ text: "aspirin was given daily for the chest pain of the patient in clinic" })}\n`);
        const make = (missing: boolean): ReturnType<typeof parseCorpusConfig> => parseCorpusConfig({
            output: "out", tokenizer,
            sources: [
                { name: "a", domain: "biomedical", format: "jsonl", path: "a.jsonl", quality: false },
                { name: "b", domain: "general", format: "hoc", path: missing ? "no-such-dir" : "." },
            ],
        }, join(dir, "corpus.yaml"));
        await buildDocuments(make(false), 0, 2);
        assert.ok(existsSync(join(dir, "out", "docs", "shard-0-of-2.done")));
        await assert.rejects(buildDocuments(make(true), 1, 2), (e: unknown) =>
            e instanceof SourceReadError && /source "b" \(.*no-such-dir\): cannot read \(ENOENT\)/.test(e.message));
        assert.deepEqual(readdirSync(join(dir, "out", "docs")).sort(), ["shard-0-of-2.done", "shard-0-of-2.jsonl"]);
        // The config changed, so the finished shard is rebuilt, not reused; the failed rebuild leaves it as it was.
        const before = readFileSync(join(dir, "out", "docs", "shard-0-of-2.done"), "utf8");
        await assert.rejects(buildDocuments(make(true), 0, 2), SourceReadError);
        assert.equal(readFileSync(join(dir, "out", "docs", "shard-0-of-2.done"), "utf8"), before);
        assert.equal((await buildDocuments(make(false), 0, 2)).shard, "0/2");
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
