/** loadConfig: read, schema with the key path, path fields resolved against the config's directory. */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { z } from "zod";
import { ConfigError } from "../../src/errors/MellamaError.js";
import { loadConfig } from "../../src/util/loadConfig.js";

const dir = mkdtempSync(join(tmpdir(), "mellama-loadconfig-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const schema = z.object({ output: z.string(), sources: z.array(z.object({ path: z.string(), n: z.number().int().positive().default(1) }).strict()) }).strict();

test("path fields (also inside arrays) are resolved against the config's directory, ${MELLAMA_DATA} expanded; others are left alone", () => {
    mkdirSync(join(dir, "cfg"));
    const file = join(dir, "cfg", "c.yaml");
    writeFileSync(file, "output: out\nsources:\n  - { path: a.txt }\n  - { path: /abs/b.txt, n: 2 }\n  - { path: \"${MELLAMA_DATA}/c.txt\" }\n");
    const before = process.env.MELLAMA_DATA;
    process.env.MELLAMA_DATA = join(dir, "data");
    try {
        const c = loadConfig(file, schema, { paths: ["output", "sources.*.path"] });
        assert.deepEqual(c, { output: join(dir, "cfg", "out"), sources: [{ path: join(dir, "cfg", "a.txt"), n: 1 }, { path: "/abs/b.txt", n: 2 }, { path: join(dir, "data", "c.txt"), n: 1 }] });
    } finally {
        if (before === undefined) {
            delete process.env.MELLAMA_DATA;
        } else {
            process.env.MELLAMA_DATA = before;
        }
    }
});

test("schema problems name the file and the key path; syntax errors the line and column", () => {
    const file = join(dir, "bad.json");
    writeFileSync(file, JSON.stringify({ output: "o", sources: [{ path: "a", n: 0 }] }));
    assert.throws(() => loadConfig(file, schema), (e: unknown) => e instanceof ConfigError && e.message.startsWith(`${file}: sources.0.n: `));
    writeFileSync(file, JSON.stringify({ output: "o", sources: [], extra: 1 }));
    assert.throws(() => loadConfig(file, schema), (e: unknown) => e instanceof ConfigError && e.message.startsWith(`${file}: extra: `));
    writeFileSync(file, "{\n  \"output\": [\n");
    assert.throws(() => loadConfig(file, schema, { what: "test config" }), /bad\.json:3:1: not valid YAML or JSON/);
});
