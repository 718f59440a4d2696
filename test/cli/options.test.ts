/** The option parsers every command uses: strict forms, bounds, choices, existing paths. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { InvalidArgumentError } from "commander";
import { choiceArg, intArg, listArg, numberArg, pathArg } from "../../src/cli/options.js";

const refused = (fn: () => unknown, pattern: RegExp): void => {
    assert.throws(fn, (e: unknown) => e instanceof InvalidArgumentError && pattern.test(e.message));
};

test("intArg takes decimal integers within bounds only", () => {
    const p = intArg(1, 16);
    assert.equal(p("8"), 8);
    assert.equal(p(" 16 "), 16);
    for (const bad of ["abc", "", "1e1", "0x10", "8.5", "12abc", "0", "17", "Infinity"]) {
        refused(() => p(bad), /expected an integer in \[1, 16\]/);
    }
    assert.equal(intArg()("-5"), -5);
    refused(() => intArg()("99999999999999999999"), /integer/);
});

test("numberArg takes finite numbers within bounds; choiceArg one of its choices; listArg collects", () => {
    assert.equal(numberArg(0, 1)("0.25"), 0.25);
    for (const bad of ["", "NaN", "Infinity", "-0.1", "1.5", "x"]) {
        refused(() => numberArg(0, 1)(bad), /expected a number in \[0, 1\]/);
    }
    assert.equal(choiceArg(["paper", "strict"])("strict"), "strict");
    refused(() => choiceArg(["paper", "strict"])("Paper"), /expected one of paper, strict/);
    const collect = listArg(intArg(0, 9));
    assert.deepEqual(collect("3", collect("1")), [1, 3]);
});

test("pathArg: exists, and is a file or a directory as asked", () => {
    const dir = mkdtempSync(join(tmpdir(), "mellama-opt-"));
    try {
        const file = join(dir, "f.txt");
        writeFileSync(file, "x");
        assert.equal(pathArg()(file), file);
        assert.equal(pathArg("dir")(dir), dir);
        refused(() => pathArg("file")(dir), /is a directory; a file is expected/);
        refused(() => pathArg("dir")(file), /is a file; a directory is expected/);
        refused(() => pathArg()(join(dir, "nope")), /no such file or directory/);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
