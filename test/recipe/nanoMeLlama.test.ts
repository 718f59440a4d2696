import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readyToUse } from "../../src/cli/readyToUse.js";
import { runNanoMeLlama } from "../../src/recipe/nanoMeLlama.js";

test("the nano Me-LLaMA recipe runs every stage end to end on the synthetic sample data (smoke scale)", async () => {
    const out = mkdtempSync(join(tmpdir(), "demo-"));
    const lines: string[] = [];
    const r = await runNanoMeLlama({ out, scale: "smoke", threads: 2, log: (l) => lines.push(l) });
    assert.ok(r.usedSampleData);
    assert.ok(lines.some((l) => l.includes("SYNTHETIC")), "the demo says it used the sample set");
    assert.deepEqual(r.table.map((t) => t.model), ["base", "Me", "base-instruct", "Me-chat"]);
    for (const row of r.table) {
        assert.ok(Number.isFinite(row.pubmedPpl) && row.pubmedPpl > 1);
        assert.deepEqual(Object.keys(row.results.results).sort(), ["ddi2013", "ddi2013_mc", "hoc", "medmcqa", "medmcqa_mc", "medqa", "medqa_mc",
            "mtsample", "perplexity_general", "perplexity_medical", "pubmedqa", "pubmedqa_mc"]);
        // Log-likelihood rows are graded (not the generative rows' zeros) and the perplexity pair is finite.
        assert.equal(typeof row.results.results.pubmedqa_mc?.["acc_norm,none"], "number");
        assert.ok((row.results.results.perplexity_general?.["bits_per_byte,none"] as number) > 0);
    }
    const page = readFileSync(r.report, "utf8");
    assert.ok(page.includes("Table 3") && page.includes("Me-chat") && page.includes("<svg"));
    assert.ok(page.includes("Medical gain beside general-domain change") && page.includes("pubmedqa_mc"));
    assert.ok(existsSync(join(out, "me", "checkpoints")) && existsSync(join(out, "me-chat", "log.jsonl")));
    // The diagnosis row: every model on the synthetic cases, judged; a paired comparison; a review pack.
    for (const row of r.table) {
        assert.equal(typeof row.diagnosis.results.diagnosis?.["top10_match,none"], "number");
        assert.equal(typeof row.diagnosis.results.diagnosis?.["top10_llm,none"], "number");
    }
    assert.ok(page.includes("Clinical case diagnosis (SYNTHETIC cases)"));
    assert.ok(existsSync(r.diagnosis.comparison) && existsSync(join(r.diagnosis.reviewPack, "reviewer-2.html")));
    // The paths the demo prints as ready to use: model directories, and adapters on them with their base.
    assert.deepEqual(r.paths.map((p) => p.model), ["base", "me", "base-instruct", "me-chat"]);
    for (const p of r.paths) {
        assert.ok(existsSync(join(p.path, p.base === undefined ? "config.json" : "adapter_config.json")), p.model);
    }
    const printed = readyToUse(r.paths, out);
    assert.ok(printed.includes(`mellama merge --base ${r.paths[1]!.path} --adapter ${r.paths[3]!.path} --out ${out}/me-chat-merged`));
    assert.match(printed, /mellama serve --model base=\S+ --model me=\S+ --model base-instruct=\S+ --model me-chat=\S+me-chat-merged\n/);
    assert.ok(printed.includes(`mellama serve --model ${r.paths[1]!.path} --adapter me-chat=${r.paths[3]!.path}`));
    assert.ok(printed.includes(`mellama chat --model ${out}/me-chat-merged`));
});
