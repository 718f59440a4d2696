/** `mellama export` and `mellama inspect` through the real CLI (child processes). */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { writeHfCheckpoint } from "../../src/formats/hf/writeHfCheckpoint.js";
import type { LlamaConfig } from "../../src/model/LlamaConfig.js";
import { parameterLayout } from "../../src/model/parameterLayout.js";
import { type CliResult, runCli } from "../helpers/runCli.js";

const dir = mkdtempSync(join(tmpdir(), "mellama-cli-fmt-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const run = (...args: string[]): CliResult => runCli(args);

test("mellama export hf -> gguf (q8_0), inspect --json of both, and a typed error for a corrupt file", () => {
    const config: LlamaConfig = { dim: 32, nLayers: 1, nHeads: 2, nKvHeads: 1, hiddenDim: 64, vocabSize: 40,
        maxSeqLen: 64, normEps: 1e-6, ropeTheta: 10000, tieEmbeddings: true };
    const hf = join(dir, "hf");
    writeHfCheckpoint({ dir: hf, config, dtype: "BF16", tensors: parameterLayout(config).map((s) => ({ name: s.hfName, shape: s.shape, data: () => new Float32Array(s.size).fill(0.25) })) });
    const gguf = join(dir, "m.gguf");
    const exp = run("export", "--from", hf, "--to", "gguf", "--out", gguf, "--type", "q8_0");
    assert.equal(exp.status, 0, exp.stderr);
    const inspected = JSON.parse(run("inspect", gguf, "--json").stdout) as { format: string; parameterCount: number; config: LlamaConfig; tensors: { name: string; dtype: string; shape: number[] }[]; metadata: Record<string, unknown> };
    assert.equal(inspected.format, "gguf");
    assert.deepEqual(inspected.config, config);
    const params = parameterLayout(config).reduce((a, s) => a + s.size, 0);
    assert.equal(inspected.parameterCount, params);
    assert.deepEqual(inspected.tensors.find((t) => t.name === "blk.0.attn_k.weight"), { name: "blk.0.attn_k.weight", dtype: "Q8_0", shape: [16, 32] });
    assert.equal(inspected.metadata["general.architecture"], "llama");
    assert.ok(!inspected.tensors.some((t) => t.name === "output.weight"), "tied: no output tensor, as the converter writes");
    const hfInspect = JSON.parse(run("inspect", hf, "--json").stdout) as { format: string; parameterCount: number };
    assert.deepEqual([hfInspect.format, hfInspect.parameterCount], ["hf", params]);
    assert.ok(run("inspect", gguf).stdout.includes(`gguf, 11 tensors, ${params.toLocaleString("en-US")} parameters`));
    const bad = join(dir, "bad.safetensors");
    writeFileSync(bad, Buffer.from([8, 0, 0, 0, 0, 0, 0, 0, 0x5b, 0x5d, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20]));
    const r = run("inspect", bad);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /bad\.safetensors: header: the JSON header must be an object/);
    assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/, "a typed error, not a stack trace");
});
