/** `mellama tokenizer train` through the real CLI: trains and writes a model sentencepiece's layout loads; bad input is a one-line error. */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
    const r = run("tokenizer", "train", "--input", input, "--vocab-size", "300", "--output", join(dir, "tok"));
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(join(dir, "tok", "tokenizer.model")) && existsSync(join(dir, "tok", "tokenizer.json")));
    const tok = loadTokenizer(join(dir, "tok", "tokenizer.model"));
    assert.equal(tok.decode(tok.encode("the patient reports fever")), "the patient reports fever");
});

test("mellama tokenizer train: a missing input file or a bad --vocab-size is one line naming it, no stack trace", () => {
    const missing = run("tokenizer", "train", "--input", join(dir, "nope.txt"), "--vocab-size", "400", "--output", join(dir, "x"));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^mellama: --input: no such file or directory, got ".*nope\.txt" \(see --help\)\n$/);
    const input = join(dir, "text.txt");
    const bad = run("tokenizer", "train", "--input", input, "--vocab-size", "many", "--output", join(dir, "x"));
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^mellama: --vocab-size: expected an integer in \[1, 1e7\], got "many" \(see --help\)\n$/);
    // A vocabulary the text cannot fill is an error (as sentencepiece's), not a smaller tokenizer.
    const big = run("tokenizer", "train", "--input", input, "--vocab-size", "5000", "--output", join(dir, "y"));
    assert.equal(big.status, 1);
    assert.match(big.stderr, /^mellama: --vocab-size: the input has too little text to make 5000 pieces \(it made \d+\)/);
    assert.equal(existsSync(join(dir, "y")), false);
});

test("mellama tokenizer train --output goes through the output guard: refused when occupied, --overwrite replaces only its own output", () => {
    const input = join(dir, "text.txt");
    const out = join(dir, "guarded");
    const train = (...extra: string[]): CliResult => run("tokenizer", "train", "--input", input, "--vocab-size", "300", "--output", out, ...extra);
    assert.equal(train().status, 0);
    const first = readFileSync(join(out, "tokenizer.model"));
    const again = train();
    assert.equal(again.status, 2);
    assert.match(again.stderr, /^mellama: .*guarded: exists and is not empty; pass --overwrite/);
    writeFileSync(join(out, "notes.txt"), "mine");
    const replaced = train("--overwrite");
    assert.equal(replaced.status, 0, replaced.stderr);
    assert.ok(readFileSync(join(out, "tokenizer.model")).equals(first), "the same text trains the same model");
    assert.equal(existsSync(join(out, "notes.txt")), false, "the earlier output is replaced whole, through a temporary and a rename");
    assert.deepEqual(readdirSync(dir).filter((n) => n.includes(".tmp-")), []);
    // Not the input, nor a directory holding it, even with --overwrite.
    const intoInput = run("tokenizer", "train", "--input", input, "--vocab-size", "300", "--output", dir, "--overwrite");
    assert.equal(intoInput.status, 2);
    assert.match(intoInput.stderr, /holds an input of this command/);
    assert.ok(existsSync(input));
});
