/**
 * `mellama diagnosis review export RUN… --reviewers N`: a blinded clinician review pack from one or more
 * finished diagnosis runs. Every non-empty differential (one per case per run) becomes an anonymous item; items
 * are shuffled (seeded) before numbering, so ids reveal nothing, and each reviewer gets their own order. The
 * pack holds, per reviewer, an offline HTML form that saves a CSV and the same CSV as a template for a
 * spreadsheet, a README for reviewers, and key.json (which item is which model and case: keep it from them).
 *
 * @example
 * exportReviewPack({ runs: ["runs/eval/a", "runs/eval/b"], reviewers: 3, out: "review-pack" });
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { ConfigError } from "../../../errors/MellamaError.js";
import { atomicWriteFileSync } from "../../../util/atomicWrite.js";
import { Rng } from "../../../util/rng.js";
import { VERDICTS } from "../../tasks/diagnosis/judgeRubric.js";
import { loadDiagnosisRuns } from "./loadDiagnosisRuns.js";
import type { ReviewItem, ReviewKey } from "./ReviewKey.js";
import { reviewCsv } from "./reviewCsv.js";
import type { FormItem } from "./renderReviewForm.js";
import { renderReviewForm } from "./renderReviewForm.js";

export interface ExportReviewOptions {
    runs: readonly string[];
    reviewers: number;
    /** Pack directory (default: review/ inside the first run). */
    out?: string;
    seed?: number;
}

export function exportReviewPack({ runs, reviewers, out, seed = 1 }: ExportReviewOptions): string {
    if (!Number.isInteger(reviewers) || reviewers < 1 || reviewers > 99) {
        throw new ConfigError("--reviewers", `expected an integer from 1 to 99, got ${reviewers}`);
    }
    const arms = loadDiagnosisRuns(runs);
    const dir = resolve(out ?? join(arms[0]!.runDir, "review"));
    if (existsSync(join(dir, "key.json"))) {
        throw new ConfigError("--out", `${dir} already holds a review pack (key.json); choose another directory so no reviews are lost`);
    }
    const drafts: Omit<ReviewItem, "item">[] = [];
    const emptyAnswers: ReviewKey["emptyAnswers"] = [];
    arms.forEach((arm, a) => {
        for (const s of arm.samples) {
            const candidates = Array.isArray(s.parsed) ? s.parsed : [];
            if (s.error !== null) {
                continue; // failed requests are not answers; results.json counts them
            }
            if (candidates.length === 0) {
                emptyAnswers.push({ arm: a, caseId: s.doc_id });
            } else if (arm.cases.has(s.doc_id)) {
                drafts.push({ arm: a, caseId: s.doc_id, candidates });
            }
        }
    });
    if (drafts.length === 0) {
        throw new ConfigError("RUN", "no differential to review in the given runs");
    }
    const rng = new Rng(seed);
    rng.shuffle(drafts);
    const width = String(drafts.length).length;
    const items: ReviewItem[] = drafts.map((d, i) => ({ item: `R${String(i + 1).padStart(Math.max(3, width), "0")}`, ...d }));
    const packId = createHash("sha256").update(JSON.stringify({ seed, items, arms: arms.map((a) => [a.runDir, a.task]) })).digest("hex").slice(0, 10);
    const key: ReviewKey = {
        format: "mellama-diagnosis-review", version: 1, packId, created: new Date().toISOString(), seed, verdicts: VERDICTS,
        arms: arms.map((a) => ({ runDir: a.runDir, task: a.task, model: a.model })), items, emptyAnswers,
        reviewers: Array.from({ length: reviewers }, (_, r) => ({
            reviewer: `reviewer-${r + 1}`, order: new Rng(seed * 1000 + r + 1).shuffle(items.map((it) => it.item)),
        })),
    };
    mkdirSync(dir, { recursive: true });
    const byId = new Map(items.map((it) => [it.item, it]));
    for (const { reviewer, order } of key.reviewers) {
        const formItems: FormItem[] = order.map((id) => {
            const it = byId.get(id)!;
            const c = arms[it.arm]!.cases.get(it.caseId)!;
            return { item: id, presentation: c.presentation, gold: c.diagnosis, synonyms: c.synonyms, candidates: it.candidates };
        });
        atomicWriteFileSync(join(dir, `${reviewer}.html`), renderReviewForm({ packId, reviewer, items: formItems, verdicts: VERDICTS }));
        atomicWriteFileSync(join(dir, `${reviewer}.csv`), reviewCsv(formItems.flatMap((f) => f.candidates.map((candidate, i) => ({
            pack: packId, reviewer, item: f.item, rank: i + 1, candidate, verdict: "", comment: "" })))));
    }
    atomicWriteFileSync(join(dir, "README.txt"), readme(packId, reviewers, items.length));
    atomicWriteFileSync(join(dir, "key.json"), `${JSON.stringify(key, null, 2)}\n`);
    return dir;
}

function readme(packId: string, reviewers: number, items: number): string {
    return `Diagnosis review pack ${packId}: ${items} differentials, ${reviewers} reviewer(s).

Reviewer N: open reviewer-N.html in any browser (it works offline and sends nothing anywhere). For each case,
read the presentation and the confirmed final diagnosis, then grade every candidate of the ranked differential:
  exact       names the final diagnosis (or an accepted synonym)
  equivalent  different wording you would accept as the same diagnosis, at least as specific
  related     a different but related diagnosis (broader category, cause or complication, same family)
  wrong       anything else
Your progress is kept in the browser; press "Save CSV" to download your verdicts (you may save part-way and
load the CSV again later with "Load CSV"). Alternatively fill the verdict column of reviewer-N.csv in a
spreadsheet and save it as CSV. Send the CSV back to the study lead.

The models are hidden and the order is shuffled. key.json says which item is which: it is for the study lead
only; do not open it before grading.
`;
}
