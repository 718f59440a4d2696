import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../../bin/mellama.js", import.meta.url));
const root = fileURLToPath(new URL("../../", import.meta.url));

function run(env: Record<string, string>, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
    return spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env: { ...process.env, ...env } });
}

test("the CLI runs from its cached bundle and through tsx with the same output", () => {
    const bundled = run({}, "version");
    const direct = run({ MELLAMA_NO_BUNDLE: "1" }, "version");
    assert.equal(bundled.status, 0, bundled.stderr);
    assert.equal(direct.status, 0, direct.stderr);
    assert.equal(bundled.stdout, direct.stdout);
    // One pointer per checkout (named by a hash of its root), so checkouts sharing node_modules keep their own bundles.
    const name = `cli-${createHash("sha256").update(root).digest("hex").slice(0, 12)}.json`;
    const pointer = JSON.parse(readFileSync(`${root}node_modules/.cache/mellama/${name}`, "utf8")) as { dir: string; inputs: Record<string, unknown> };
    assert.ok(existsSync(`${root}node_modules/.cache/mellama/${pointer.dir}/main.mjs`));
    assert.ok(Object.keys(pointer.inputs).some((p) => p === `${root}src/cli/main.ts`), "the bundle is built from this checkout's sources");
});

test("errors of a bundled run read the same as unbundled ones", () => {
    const bundled = run({}, "corpus", "build", "/nonexistent/corpus.yaml");
    const direct = run({ MELLAMA_NO_BUNDLE: "1" }, "corpus", "build", "/nonexistent/corpus.yaml");
    assert.notEqual(bundled.status, 0);
    assert.equal(bundled.status, direct.status);
    assert.equal(bundled.stderr.split("\n")[0], direct.stderr.split("\n")[0]);
});
