/**
 * Kernel selection: reference on request, native on request (or an error saying why not), auto = native when the
 * addon loads, else reference with exactly one warning on stderr per process.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { getKernelSet, KernelArgumentError } from "../../src/kernels/index.js";
import { loadNativeAddon } from "../../src/kernels/native/nativeKernels.js";
import { referenceKernels } from "../../src/kernels/reference/index.js";

test("getKernelSet: reference, and a bad kind names the field", () => {
    assert.equal(getKernelSet({ kind: "reference" }), referenceKernels);
    assert.throws(() => getKernelSet({ kind: "gpu" as "auto" }), (e: unknown) => e instanceof KernelArgumentError && e.field === "kind");
});

test("getKernelSet: native and auto give the native set when the addon is built", { skip: loadNativeAddon() === null ? "native addon not built" : false }, () => {
    const native = getKernelSet({ kind: "native", threads: 1 });
    const auto = getKernelSet({ threads: 2 });
    try {
        assert.equal(native.name, "native");
        assert.equal(native.threads, 1);
        assert.equal(auto.name, "native");
        assert.equal(auto.threads, 2);
    } finally {
        native.dispose();
        auto.dispose();
    }
});

test("getKernelSet: auto without the addon falls back to reference with one warning; native throws", () => {
    const script = `
        import { getKernelSet } from ${JSON.stringify(fileURLToPath(new URL("../../src/kernels/index.ts", import.meta.url)))};
        const a = getKernelSet({ kind: "auto" });
        const b = getKernelSet();
        let nativeError = "none";
        try { getKernelSet({ kind: "native" }); } catch (e) { nativeError = e.message; }
        console.log(JSON.stringify({ a: a.name, b: b.name, nativeError }));
    `;
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        env: { ...process.env, MELLAMA_NATIVE_ADDON: "/nonexistent/mellama_kernels.node" },
        encoding: "utf8",
    });
    assert.equal(child.status, 0, child.stderr);
    const out = JSON.parse(child.stdout.trim()) as { a: string; b: string; nativeError: string };
    assert.equal(out.a, "reference");
    assert.equal(out.b, "reference");
    assert.match(out.nativeError, /not built/);
    const warnings = child.stderr.split("\n").filter((line) => line.includes("using the reference kernels"));
    assert.equal(warnings.length, 1, child.stderr);
});
