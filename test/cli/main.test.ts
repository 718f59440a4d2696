import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { test } from "node:test";
import { COMMANDS } from "../../src/cli/main.js";

test("every command file is in the CLI's explicit command list", async () => {
    const dir = new URL("../../src/cli/commands/", import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith(".ts")).sort();
    assert.ok(files.length > 0);
    for (const file of files) {
        const mod = await import(new URL(file, dir).href) as { register: (typeof COMMANDS)[number] };
        assert.ok(COMMANDS.includes(mod.register), `${file} is not listed in src/cli/main.ts`);
    }
    assert.equal(COMMANDS.length, files.length);
});
