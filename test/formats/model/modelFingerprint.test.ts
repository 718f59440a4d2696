/** The eval cache's model key: changes with the weights, not with the path or the mtime. */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { writeHfCheckpoint } from "../../../src/formats/hf/writeHfCheckpoint.js";
import { modelFingerprint } from "../../../src/formats/model/modelFingerprint.js";
import { createNativeLM } from "../../../src/eval/backends/createNativeLM.js";
import type { LlamaConfig } from "../../../src/model/LlamaConfig.js";
import { parameterLayout } from "../../../src/model/parameterLayout.js";

const dir = mkdtempSync(join(tmpdir(), "mellama-fp-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const config: LlamaConfig = { dim: 64, nLayers: 2, nHeads: 4, nKvHeads: 2, hiddenDim: 128, vocabSize: 2000,
    maxSeqLen: 64, normEps: 1e-5, ropeTheta: 10000, tieEmbeddings: false };

function write(path: string, seed: number): void {
    writeHfCheckpoint({ dir: path, config, tensors: parameterLayout(config).map((s) => ({ name: s.hfName, shape: s.shape,
        data: () => Float32Array.from({ length: s.size }, (_, i) => Math.sin(seed * 1000 + s.offset + i) * 0.02) })) });
}

test("a model's fingerprint follows its bytes: same for a copy or a touched file, different after retraining", () => {
    const a = join(dir, "a");
    write(a, 1);
    const fp = modelFingerprint(a);
    assert.match(fp, /^[0-9a-f]{32}$/);
    const copy = join(dir, "copy");
    cpSync(a, copy, { recursive: true });
    utimesSync(join(copy, "model.safetensors"), new Date(0), new Date(0));
    assert.equal(modelFingerprint(copy), fp);
    write(a, 2);
    assert.notEqual(modelFingerprint(a), fp, "new weights at the same path");
    // One value changed deep inside the file (the middle of the largest tensor) is caught by the sampled blocks
    // only when it falls in one; a whole retrained tensor always is.
    const bytes = readFileSync(join(copy, "model.safetensors"));
    bytes[bytes.length - 8] = bytes[bytes.length - 8]! ^ 0xff;
    writeFileSync(join(copy, "model.safetensors"), bytes);
    assert.notEqual(modelFingerprint(copy), fp, "the last MiB is hashed whole");
});

test("the native eval backend keys its cache by the fingerprint, not by the path", async () => {
    const m = join(dir, "native");
    write(m, 3);
    cpSync(new URL("../../fixtures/tokenizer/llama_like.model", import.meta.url), join(m, "tokenizer.model"));
    const lm = await createNativeLM(m, { kernels: "reference", threads: 1 });
    try {
        assert.equal(lm.id, `native:${m}`);
        assert.equal(lm.cacheKey, `native:${modelFingerprint(m)}`);
    } finally {
        await lm.dispose?.();
    }
});
