import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { Rng } from "../../src/util/rng.js";
import { mellamaArgv } from "../helpers/runCli.js";

const tokenizer = fileURLToPath(new URL("../fixtures/tokenizer/words.model", import.meta.url));
const env = { ...process.env, MELLAMA_QUIET: "1" };

function mellama(args: string[]): void {
    const r = spawnSync(process.execPath, [...mellamaArgv, ...args], { env, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
}

function steps(logPath: string): number {
    return existsSync(logPath) ? readFileSync(logPath, "utf8").split("\n").filter((l) => l.includes('"train"')).length : 0;
}

test("mellama pretrain killed with kill -9 at five random steps and resumed each time ends byte-identical to an uninterrupted run", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pretrain-kill-"));
    const rng = new Rng(21);
    const words = ["fever", "cough", "the", "patient", "was", "given", "aspirin", "and", "improved", "over", "two", "days"];
    writeFileSync(join(dir, "text.jsonl"), Array.from({ length: 80 }, (_, i) => JSON.stringify({ id: i, text: Array.from({ length: 60 }, () => words[rng.int(words.length)]).join(" ") })).join("\n"));
    writeFileSync(join(dir, "corpus.json"), JSON.stringify({ output: "corpus", tokenizer, seqLen: 17, validationFraction: 0,
        sources: [{ name: "t", domain: "general", format: "jsonl", path: "text.jsonl" }] }));
    mellama(["corpus", "build", join(dir, "corpus.json")]);
    const config = (out: string): string => {
        const path = join(dir, `${out}.json`);
        writeFileSync(path, JSON.stringify({ output: out, tokenizer, data: { train: "corpus" }, model: { dim: 16, nLayers: 2, nHeads: 2, nKvHeads: 1, hiddenDim: 32, maxSeqLen: 32 },
            microBatchSize: 2, gradAccum: 2, maxSteps: 24, checkpointEvery: 1, keepCheckpoints: 2, optimizer: { lr: 1e-3 }, threads: 2, seed: 3 }));
        return path;
    };
    mellama(["pretrain", "--config", config("straight")]);
    const killedConfig = config("killed");
    const log = join(dir, "killed", "log.jsonl");
    const targets = [...new Set(Array.from({ length: 5 }, () => 2 + rng.int(20)))].sort((a, b) => a - b);
    for (const target of targets) {
        const child = spawn(process.execPath, [...mellamaArgv, "pretrain", "--config", killedConfig, "--resume"], { env, stdio: "ignore" });
        const exited = new Promise((r) => child.on("exit", r));
        while (steps(log) < target && child.exitCode === null) {
            await new Promise((r) => setTimeout(r, 2));
        }
        child.kill("SIGKILL");
        await exited;
    }
    mellama(["pretrain", "--config", killedConfig, "--resume"]);
    const final = (out: string): Buffer => readFileSync(join(dir, out, "checkpoints", "step-00000024", "model.safetensors"));
    assert.ok(final("killed").equals(final("straight")), `weights differ after kills at steps ${targets.join(", ")}`);
    assert.equal(steps(log), 24, "the log of the resumed run reads like one run");
});
