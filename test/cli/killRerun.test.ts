/**
 * kill -9 in the middle of merge, export, instruct build and tokenizer train, then the same command again: the output is
 * byte-identical to an uninterrupted run's, and no temporary is left behind.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, test } from "node:test";
import { mellamaArgv } from "../helpers/runCli.js";
import { tinyConfig, writeTinyAdapter, writeTinyModel } from "../helpers/tinyModel.js";

const dir = mkdtempSync(join(tmpdir(), "mellama-kill-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const at = (p: string): string => join(dir, p);
const env = { ...process.env, MELLAMA_QUIET: "1" };
// Large enough (~13 MB of F32 weights) that writing the output takes a while to interrupt.
const config = tinyConfig(256, 4);
writeTinyModel(at("base"), config);
writeTinyAdapter(at("adapter"), config);

function runToEnd(args: string[]): void {
    const r = spawnSync(process.execPath, [...mellamaArgv, ...args], { encoding: "utf8", env });
    assert.equal(r.status, 0, r.stderr);
}

/** Starts `args`, kills it with SIGKILL once `started()` holds (the output is being written), and returns the signal it died of. */
async function killMidway(args: string[], started: () => boolean): Promise<NodeJS.Signals | null> {
    const child = spawn(process.execPath, [...mellamaArgv, ...args], { stdio: "ignore", env });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    while (!started() && child.exitCode === null) {
        await new Promise((r) => setTimeout(r, 1));
    }
    child.kill("SIGKILL");
    return exited;
}

/** Relative path → bytes of every file under `root`. */
function files(root: string): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    const walk = (p: string): void => {
        if (statSync(p).isDirectory()) {
            readdirSync(p).forEach((n) => walk(join(p, n)));
        } else {
            out.set(relative(root, p), readFileSync(p));
        }
    };
    walk(root);
    return out;
}

function assertSameFiles(a: string, b: string): void {
    const fa = files(a);
    const fb = files(b);
    assert.deepEqual([...fb.keys()].sort(), [...fa.keys()].sort());
    for (const [name, bytes] of fa) {
        assert.ok(bytes.equals(fb.get(name)!), `${name} differs after kill -9 and rerun`);
    }
}

const temporaries = (): string[] => readdirSync(dir).filter((n) => n.includes(".tmp-"));

test("merge: killed while writing, run again, the same bytes", async () => {
    runToEnd(["merge", "--base", at("base"), "--adapter", at("adapter"), "--out", at("merged-a")]);
    const args = ["merge", "--base", at("base"), "--adapter", at("adapter"), "--out", at("merged-b")];
    assert.equal(await killMidway(args, () => temporaries().some((n) => n.startsWith("merged-b.tmp-"))), "SIGKILL");
    assert.ok(!existsSync(at("merged-b")), "a killed merge leaves no output");
    runToEnd(args);
    assertSameFiles(at("merged-a"), at("merged-b"));
    assert.deepEqual(temporaries(), [], "the killed run's temporary was swept");
});

test("export: killed while writing a GGUF or a sharded HF directory, run again, the same bytes", async () => {
    mkdirSync(at("gguf"));
    runToEnd(["export", "--from", at("base"), "--to", "gguf", "--type", "f16", "--out", at("gguf/a.gguf")]);
    const ggufArgs = ["export", "--from", at("base"), "--to", "gguf", "--type", "f16", "--out", at("gguf/b.gguf")];
    assert.equal(await killMidway(ggufArgs, () => readdirSync(at("gguf")).some((n) => n.startsWith(".b.gguf.tmp-"))), "SIGKILL");
    assert.ok(!existsSync(at("gguf/b.gguf")));
    runToEnd(ggufArgs);
    assert.ok(readFileSync(at("gguf/a.gguf")).equals(readFileSync(at("gguf/b.gguf"))));
    assert.deepEqual(readdirSync(at("gguf")).filter((n) => n.includes(".tmp-")), []);

    runToEnd(["export", "--from", at("base"), "--to", "hf", "--type", "bf16", "--max-shard-size", "2000000", "--out", at("hf-a")]);
    const hfArgs = ["export", "--from", at("base"), "--to", "hf", "--type", "bf16", "--max-shard-size", "2000000", "--out", at("hf-b")];
    assert.equal(await killMidway(hfArgs, () => temporaries().some((n) => n.startsWith("hf-b.tmp-"))), "SIGKILL");
    runToEnd(hfArgs);
    assertSameFiles(at("hf-a"), at("hf-b"));
    assert.deepEqual(temporaries(), []);
});

test("instruct build: killed mid-run, run again, the same bytes", async () => {
    const rows = Array.from({ length: 40_000 }, (_, i) => `"findings ${i}: clear lungs, no effusion, heart size ${i % 17} normal","impression ${i % 5}"`);
    writeFileSync(at("mimic.csv"), `findings,impression\n${rows.join("\n")}\n`);
    const configFor = (out: string): string => {
        const path = at(`${out}.yaml`);
        writeFileSync(path, `output: ${at(out)}\nformats: [sharegpt, alpaca]\nsources:\n  - { name: MIMIC_SUM, path: ${at("mimic.csv")}, format: csv, count: 30000 }\ndecontaminate: { tasks: [] }\n`);
        return path;
    };
    runToEnd(["instruct", "build", "--config", configFor("inst-a")]);
    const args = ["instruct", "build", "--config", configFor("inst-b")];
    assert.equal(await killMidway(args, () => existsSync(at("inst-b"))), "SIGKILL");
    runToEnd(args);
    const stripPaths = (text: Buffer): string => text.toString("utf8").replaceAll(at("inst-a"), "OUT").replaceAll(at("inst-b"), "OUT");
    const a = files(at("inst-a"));
    const b = files(at("inst-b"));
    assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort());
    for (const [name, bytes] of a) {
        assert.equal(stripPaths(b.get(name)!), stripPaths(bytes), name);
    }
    assert.deepEqual(readdirSync(at("inst-b")).filter((n) => n.includes(".tmp-")), []);
});

test("tokenizer train --overwrite: killed while replacing an earlier output, run again, the same bytes", async (t) => {
    // Made-up words, so training has many merges to make and tokenizer.json is large enough to take a while to write.
    const syllables = ["ka", "lo", "mi", "tre", "su", "pan", "dor", "vel", "qui", "zen", "bra", "fo", "gu", "ny"];
    const word = (n: number): string => [n % 14, Math.floor(n / 14) % 14, Math.floor(n / 196) % 14].map((k) => syllables[k]).join("");
    writeFileSync(at("words.txt"), Array.from({ length: 6000 }, (_, i) => Array.from({ length: 10 }, (_, j) => word((i * 37 + j * 101) % 2744)).join(" ")).join("\n"));
    const args = (out: string): string[] => ["tokenizer", "train", "--input", at("words.txt"), "--vocab-size", "3000", "--output", at(out), "--overwrite"];
    runToEnd(args("tok-a"));
    runToEnd(args("tok-b"));
    // Killed once its new output is being written next to the old one (or, if it is quicker than the poll, after it finished).
    const signal = await killMidway(args("tok-b"), () => temporaries().some((n) => n.startsWith("tok-b.tmp-")));
    t.diagnostic(signal === "SIGKILL" ? "killed while writing" : "finished before the kill");
    assertSameFiles(at("tok-a"), at("tok-b")); // the old output whole, or the new one whole: never a mix
    runToEnd(args("tok-b"));
    assertSameFiles(at("tok-a"), at("tok-b"));
    assert.deepEqual(temporaries(), [], "the killed run's temporary was swept");
});
