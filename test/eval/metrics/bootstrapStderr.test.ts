import assert from "node:assert/strict";
import { test } from "node:test";
import { bootstrapStderr } from "../../../src/eval/metrics/bootstrapStderr.js";
import { mean, meanWithStderr, sampleStddev } from "../../../src/eval/metrics/mean.js";

test("mean gets lm-eval's analytic stderr: sample stddev (n - 1) / sqrt(n)", () => {
    // values 1,0,1,1: mean 0.75; squared deviations 3 x 0.0625 + 0.5625 = 0.75; var 0.75/3 = 0.25; sd 0.5; se 0.25
    assert.deepEqual(meanWithStderr([1, 0, 1, 1]), { value: 0.75, stderr: 0.25 });
    assert.equal(meanWithStderr([1]).stderr, null);
});

test("bootstrap stderr is seeded, zero for a constant metric, and close to the analytic value for a mean", () => {
    const values = Array.from({ length: 400 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const a = bootstrapStderr(values, mean, { seed: 7 });
    assert.equal(a, bootstrapStderr(values, mean, { seed: 7 }));
    assert.equal(bootstrapStderr(values, () => 0.5), 0);
    // The bootstrap estimates sd/sqrt(n) (population sd); with 2000 resamples it lands within 10%.
    const analytic = sampleStddev(values) * Math.sqrt((values.length - 1) / values.length) / Math.sqrt(values.length);
    const many = bootstrapStderr(values, mean, { iters: 2000, seed: 3 })!;
    assert.ok(Math.abs(many - analytic) / analytic < 0.1, `${many} vs ${analytic}`);
    assert.equal(bootstrapStderr([], mean), null);
});
