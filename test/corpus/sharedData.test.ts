import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { buildDocuments, packCorpus } from "../../src/corpus/buildCorpus.js";
import { parseCorpusConfig } from "../../src/corpus/CorpusConfig.js";
import { openShardDataset } from "../../src/formats/shards/index.js";
import { EpochOrder } from "../../src/train/TokenDataset.js";
import { loadTokenizer } from "../../src/tokenizer/loadTokenizer.js";

const tokenizerPath = fileURLToPath(new URL("../fixtures/tokenizer/words.model", import.meta.url));

test("the shared data (PubMedQA + HoC abstracts, MTSamples notes, wikitext-2) builds at 15:1:4 and its duplicates are reported", async (t) => {
    const dir = mkdtempSync(join(tmpdir(), "corpus-shared-"));
    try {
        // The example config's sources, with the test tokenizer and a temp output.
        const config = parseCorpusConfig({
            output: join(dir, "out"), tokenizer: tokenizerPath, seqLen: 257,
            sources: [
                { name: "pubmedqa", domain: "biomedical", format: "pubmedqa", path: "${MELLAMA_DATA}/pubmedqa/ori_pqal.json", excludeIdsFrom: "${MELLAMA_DATA}/pubmedqa/test_ground_truth.json" },
                { name: "hoc", domain: "biomedical", format: "hoc", path: "${MELLAMA_DATA}/hoc/text" },
                { name: "mtsamples", domain: "clinical", format: "csv", path: "${MELLAMA_DATA}/mtsamples/mtsamples.csv", column: "transcription" },
                { name: "wikitext2", domain: "general", format: "text", path: "${MELLAMA_DATA}/wikitext2/test.txt" },
            ],
        }, join(dir, "corpus.yaml"));
        const stats = await buildDocuments(config, 0, 1);
        assert.equal(stats.read.pubmedqa, 500, "the 500 PubMedQA test items are left out");
        assert.equal(stats.read.hoc, 1852);
        assert.equal(stats.read.mtsamples, 4999);
        const m = await packCorpus(config, loadTokenizer(tokenizerPath), 1);
        for (const [d, target] of [["biomedical", 0.75], ["clinical", 0.05], ["general", 0.2]] as const) {
            assert.equal(m.domains[d]!.targetShare, target);
            assert.ok(Math.abs(m.domains[d]!.achievedShare - target) < 0.01, `${d} ${m.domains[d]!.achievedShare}`);
        }
        // MTSamples lists many notes under several specialties: thousands of exact copies; a few near copies too.
        assert.ok(m.duplicates.exact > 2000, `exact ${m.duplicates.exact}`);
        assert.ok(m.duplicates.near >= 1, `near ${m.duplicates.near}`);
        t.diagnostic(`shares ${Object.entries(m.domains).map(([d, s]) => `${d} ${(100 * s.achievedShare).toFixed(1)}%`).join(", ")}; duplicates ${m.duplicates.exact} exact, ${m.duplicates.near} near; ${m.train.sequences} train sequences`);
        const data = openShardDataset(config.output);
        const order = new EpochOrder(data.numSequences, 1);
        const seq = new Int32Array(data.seqLen);
        data.read(order.at(0), seq);
        assert.ok(seq.every((id) => id >= 0 && id < m.tokenizer.vocabSize));
        data.close();
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
