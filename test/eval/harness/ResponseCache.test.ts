import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { requestHash, ResponseCache } from "../../../src/eval/cache/ResponseCache.js";

test("responses persist across instances, keyed by model and request settings", (t) => {
    const dir = mkdtempSync(join(tmpdir(), "mellama-cache-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, "sub", "responses.sqlite");
    const req = { prompt: "p", until: [], maxTokens: 256, temperature: 0 };
    const h = requestHash(req);
    assert.notEqual(h, requestHash({ ...req, maxTokens: 255 }));
    assert.notEqual(h, requestHash({ ...req, until: ["\n"] }));
    const a = new ResponseCache(path);
    a.put("m1", h, "answer");
    a.close();
    const b = new ResponseCache(path);
    assert.equal(b.get("m1", h), "answer");
    assert.equal(b.get("m2", h), undefined);
    assert.equal(b.count(), 1);
    b.close();
});
