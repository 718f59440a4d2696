/** `mellama tokenizer train` through the real CLI: trains and writes a model sentencepiece's layout loads; bad input is a one-line error. */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { loadTokenizer } from "../../../src/tokenizer/loadTokenizer.js";
import { type CliResult, runCli } from "../../helpers/runCli.js";

const dir = mkdtempSync(join(tmpdir(), "mellama-cli-tok-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const run = (...args: string[]): CliResult => runCli(args, { MELLAMA_QUIET: "1" });

test("mellama tokenizer train writes tokenizer.model and tokenizer.json that load and round-trip", () => {
    const input = join(dir, "text.txt");
    writeFileSync(input, Array.from({ length: 200 }, (_, i) => `the patient ${i} reports chest pain and fever for ${i % 7} days`).join("\n"));
    const r = run("tokenizer", "train", "--input", input, "--vocab-size", "400", "--output", join(dir, "tok"));
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(join(dir, "tok", "tokenizer.model")) && existsSync(join(dir, "tok", "tokenizer.json")));
    const tok = loadTokenizer(join(dir, "tok", "tokenizer.model"));
    assert.equal(tok.decode(tok.encode("the patient reports fever")), "the patient reports fever");
});

test("mellama tokenizer train: a missing input file or a bad --vocab-size is one line naming it, no stack trace", () => {
    const missing = run("tokenizer", "train", "--input", join(dir, "nope.txt"), "--vocab-size", "400", "--output", join(dir, "x"));
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /--input: cannot read .*nope\.txt \(ENOENT\)/);
    assert.doesNotMatch(missing.stderr, /\n\s+at /);
    const bad = run("tokenizer", "train", "--input", join(dir, "nope.txt"), "--vocab-size", "many", "--output", join(dir, "x"));
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /--vocab-size: must be a positive integer/);
});
