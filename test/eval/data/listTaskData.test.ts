/** `mellama data list`: present tasks with their document counts, missing ones with the path looked at. */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { listTaskData } from "../../../src/eval/data/listTaskData.js";
import { TASK_NAMES } from "../../../src/eval/tasks/registry.js";
import { FIXTURE_DATA } from "../tasks/taskFixtures.js";

test("an empty data directory: every task is missing, named with the file looked for under it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "mellama-data-list-"));
    try {
        const rows = await listTaskData(dir);
        assert.deepEqual(rows.map((r) => r.task), [...TASK_NAMES]);
        for (const r of rows) {
            assert.equal(r.docs, null, r.task);
            assert.ok(r.missing?.includes(dir), `${r.task}: ${r.missing}`);
        }
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
});

test("the fixture data: the tasks it holds are counted, the others are missing", async () => {
    const rows = new Map((await listTaskData(FIXTURE_DATA)).map((r) => [r.task, r]));
    for (const task of ["emrqa", "i2b2", "mimicsum", "pubmedsum", "bionli", "mednli"]) {
        const r = rows.get(task)!;
        assert.ok(r.docs !== null && r.docs > 0, `${task}: ${JSON.stringify(r)}`);
        assert.equal(r.missing, undefined);
    }
    assert.equal(rows.get("pubmedqa")!.docs, null);
});
