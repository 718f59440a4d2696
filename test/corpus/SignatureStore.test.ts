/**
 * Signature storage: in memory and in a file (buffered appends, positioned reads) return what was appended, for
 * signatures still in the write buffer and ones already flushed, across several buffer flushes; dispose removes
 * the file; out-of-range reads throw.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { SignatureStore } from "../../src/corpus/SignatureStore.js";
import { Rng } from "../../src/util/rng.js";

test("SignatureStore returns every appended signature, in memory and from a file", () => {
    const dir = mkdtempSync(join(tmpdir(), "mellama-sigs-"));
    try {
        const length = 120;
        const rng = new Rng(3);
        const path = join(dir, "signatures.u32");
        const stores = [new SignatureStore(length), new SignatureStore(length, path)];
        const sigs: Uint32Array[] = [];
        const out = new Uint32Array(length);
        // 5000 × 480 bytes: about nine flushes of the 256 KiB buffer and five memory chunks.
        for (let id = 0; id < 5000; id++) {
            const sig = Uint32Array.from({ length }, () => rng.int(2 ** 32));
            sigs.push(sig);
            for (const store of stores) {
                assert.equal(store.append(sig), id);
            }
            // Read back a recent one (maybe still buffered) and an old one (flushed).
            for (const want of [id, rng.int(id + 1)]) {
                for (const store of stores) {
                    store.read(want, out);
                    assert.deepEqual(out, sigs[want], `signature ${want} after ${id}`);
                }
            }
        }
        for (const store of stores) {
            assert.equal(store.size, 5000);
            sigs.forEach((sig, id) => {
                store.read(id, out);
                assert.deepEqual(out, sig);
            });
            assert.throws(() => store.read(5000, out), RangeError);
            assert.throws(() => store.read(-1, out), RangeError);
        }
        assert.ok(existsSync(path));
        stores.forEach((s) => s.dispose());
        assert.ok(!existsSync(path), "dispose removes the file");
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
