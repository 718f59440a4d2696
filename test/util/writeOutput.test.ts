/** Outputs never destroy what was there: refused unless --overwrite, and then only an earlier output of the same command. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { OutputExistsError, writeOutputDir, writeOutputFile } from "../../src/util/writeOutput.js";

const dir = mkdtempSync(join(tmpdir(), "mellama-out-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const refused = (pattern: RegExp) => (e: unknown): boolean => e instanceof OutputExistsError && e.exitCode === 2 && pattern.test(e.message);
const writeA = (d: string): void => writeFileSync(join(d, "a.txt"), "new");

test("a non-empty directory is refused without --overwrite and left as it was; an empty one is used", () => {
    const out = join(dir, "occupied");
    mkdirSync(out);
    writeFileSync(join(out, "precious.txt"), "keep");
    assert.throws(() => writeOutputDir(out, { command: "merge", inputs: [], overwrite: false }, writeA), refused(/exists and is not empty; pass --overwrite/));
    assert.throws(() => writeOutputDir(out, { command: "merge", inputs: [], overwrite: true }, writeA), refused(/was not written by `mellama merge`/));
    assert.deepEqual(readdirSync(out), ["precious.txt"]);
    assert.equal(readFileSync(join(out, "precious.txt"), "utf8"), "keep");
    const empty = join(dir, "empty");
    mkdirSync(empty);
    writeOutputDir(empty, { command: "merge", inputs: [], overwrite: false }, writeA);
    assert.equal(readFileSync(join(empty, "a.txt"), "utf8"), "new");
});

test("--overwrite replaces an earlier output of the same command only", () => {
    const out = join(dir, "merged");
    writeOutputDir(out, { command: "merge", inputs: [], overwrite: false }, (d) => writeFileSync(join(d, "old.txt"), "1"));
    assert.throws(() => writeOutputDir(out, { command: "export", inputs: [], overwrite: true }, writeA), refused(/not written by `mellama export`/));
    const written = writeOutputDir(out, { command: "merge", inputs: [], overwrite: true }, (d) => { writeA(d); return [join(d, "a.txt")]; });
    assert.deepEqual(written, [join(out, "a.txt")], "paths come back under the output, not the temporary");
    assert.deepEqual(readdirSync(out).sort(), [".mellama-output.json", "a.txt"]);
    assert.deepEqual(readdirSync(dir).filter((n) => n.includes(".tmp-")), []);
});

test("an input, or a directory holding one, is never the output (also through a symlink)", () => {
    const base = join(dir, "base");
    mkdirSync(base);
    writeFileSync(join(base, "model.safetensors"), "weights");
    const link = join(dir, "link");
    symlinkSync(base, link);
    for (const out of [base, link, dir]) {
        assert.throws(() => writeOutputDir(out, { command: "merge", inputs: [join(base, "model.safetensors")], overwrite: true }, writeA), refused(/input/));
    }
    assert.throws(() => writeOutputFile(join(base, "model.safetensors"), { command: "export", inputs: [join(base, "model.safetensors")], overwrite: true },
        (p) => writeFileSync(p, "x")), refused(/is an input/));
    assert.equal(readFileSync(join(base, "model.safetensors"), "utf8"), "weights");
});

test("a file output: refused when present, replaced with --overwrite when this command wrote it", () => {
    const out = join(dir, "m.gguf");
    writeFileSync(out, "someone else's");
    assert.throws(() => writeOutputFile(out, { command: "export", inputs: [], overwrite: true }, (p) => writeFileSync(p, "x")), refused(/not written by/));
    rmSync(out);
    writeOutputFile(out, { command: "export", inputs: [], overwrite: false }, (p) => writeFileSync(p, "v1"));
    assert.throws(() => writeOutputFile(out, { command: "export", inputs: [], overwrite: false }, (p) => writeFileSync(p, "v2")), refused(/--overwrite/));
    writeOutputFile(out, { command: "export", inputs: [], overwrite: true }, (p) => writeFileSync(p, "v2"));
    assert.equal(readFileSync(out, "utf8"), "v2");
});

test("temporaries of a dead process are swept; a live process's are kept", () => {
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
    const out = join(dir, "swept");
    mkdirSync(`${out}.tmp-${dead}`);
    writeFileSync(join(`${out}.tmp-${dead}`, "clinical.txt"), "x");
    mkdirSync(`${out}.tmp-1`); // pid 1 is alive
    writeOutputDir(out, { command: "merge", inputs: [], overwrite: false }, writeA);
    assert.equal(existsSync(`${out}.tmp-${dead}`), false);
    assert.equal(existsSync(`${out}.tmp-1`), true);
});
