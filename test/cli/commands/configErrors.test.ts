/** A missing, unreadable or malformed config file is one line naming it, for every command that reads one. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { runCli } from "../../helpers/runCli.js";

const dir = mkdtempSync(join(tmpdir(), "mellama-cli-config-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("pretrain, sft, instruct build and corpus build: a bad --config is one line on stderr, no stack", () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "a: [\n");
    for (const command of [["pretrain", "--config"], ["sft", "--config"], ["instruct", "build", "--config"], ["corpus", "build"]]) {
        for (const [path, reason] of [["/nonexistent/c.yaml", /cannot read the .*config \(ENOENT: no such file\)/], [dir, /not a regular file/], [bad, /bad\.yaml:2:1: not valid YAML or JSON/]] as const) {
            const r = runCli([...command, path], { MELLAMA_QUIET: "1" });
            assert.notEqual(r.status, 0, `${command.join(" ")} ${path}`);
            assert.equal(r.stderr.trim().split("\n").length, 1, `${command.join(" ")} ${path}: ${r.stderr}`);
            assert.match(r.stderr, reason, command.join(" "));
            assert.doesNotMatch(r.stderr, /\n\s+at /);
        }
    }
});
