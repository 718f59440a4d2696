/**
 * What the imported clinician verdicts say: per model (arm) and reviewer, top-1 … top-K accuracy (a case counts
 * for a reviewer once they graded every candidate of its differential; a correct candidate is exact or
 * equivalent; empty differentials count as not found), the reviewers' consensus (a candidate is correct when
 * more than half of the reviewers who graded it say so; ties are not correct), and agreement on the candidates
 * (units: item × rank):
 *   - Cohen's κ and percent agreement for every pair of reviewers, the LLM judge against each reviewer, and the
 *     normalised-match judge against each reviewer — on the four verdicts and on correct / not correct (the
 *     match judge has only the binary reading);
 *   - Fleiss' κ over all reviewers (three or more), on units every reviewer graded.
 * CIs are percentile bootstrap 95 % over items (a differential's candidates are resampled together, since they
 * are graded together), seeded.
 */
import { bootstrapCI } from "../../metrics/bootstrapCI.js";
import { cohenKappa, fleissKappa, percentAgreement } from "../../metrics/kappa.js";
import type { AccuracyCurve } from "../../tasks/diagnosis/diagnosisMetrics.js";
import { accuracyCurve } from "../../tasks/diagnosis/diagnosisMetrics.js";
import { DIFFERENTIAL_SIZE } from "../../tasks/diagnosis/diagnosisPrompt.js";
import { isCorrectVerdict } from "../../tasks/diagnosis/judgeRubric.js";
import { acceptedKeys, matchesGold } from "../../tasks/diagnosis/normalizeDiagnosis.js";
import type { DiagnosisArm } from "./loadDiagnosisRuns.js";
import type { ReviewItem, ReviewKey } from "./ReviewKey.js";

/** reviewer → "item|rank" → verdict */
export type ReviewVerdicts = Record<string, Record<string, string>>;

export interface AgreementStat {
    a: string;
    b: string;
    /** "verdict": the four verdicts; "correct": exact or equivalent against the rest. */
    labels: "verdict" | "correct";
    units: number;
    kappa: number | null;
    kappaLow: number | null;
    kappaHigh: number | null;
    percent: number | null;
    percentLow: number | null;
    percentHigh: number | null;
}

export interface ReviewResults {
    packId: string;
    reviewers: string[];
    arms: { model: string; runDir: string; task: string; clinicians: Record<string, AccuracyCurve>; consensus: AccuracyCurve;
        /** Case id → first rank the consensus calls correct (0: none), for the cases the consensus covers (paired comparisons). */
        consensusRanks: Record<string, number>; }[];
    agreement: AgreementStat[];
    fleiss: (Omit<AgreementStat, "a" | "b"> & { raters: number })[];
}

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
/** The correct / not correct reading of a verdict (idempotent: a binary label maps to itself). */
const binary = (v: string): string => (v === "correct" || isCorrectVerdict(v) ? "correct" : "not correct");

export function reviewStats(key: ReviewKey, verdicts: ReviewVerdicts, arms: readonly DiagnosisArm[]): ReviewResults {
    const reviewers = key.reviewers.map((r) => r.reviewer);
    const K = DIFFERENTIAL_SIZE;
    const armStats = key.arms.map((arm, a) => {
        // Every answered case of the arm in case-id order, as the run's own curves (diagnosisDetails), so equal
        // verdicts give equal CIs; an empty differential (item null) is not found at any K for every reviewer.
        const cases = [...key.items.filter((it) => it.arm === a).map((it) => ({ caseId: it.caseId, item: it as ReviewItem | null })),
            ...key.emptyAnswers.filter((e) => e.arm === a).map((e) => ({ caseId: e.caseId, item: null }))]
            .sort((x, y) => (x.caseId < y.caseId ? -1 : x.caseId > y.caseId ? 1 : 0));
        /** First correct rank per case from a grader's verdicts; cases the grader has not finished are left out. */
        const rankedBy = (correctAt: (it: ReviewItem, rank: number) => boolean | undefined): [string, number][] => cases.flatMap(({ caseId, item }) => {
            if (item === null) {
                return [[caseId, 0] as [string, number]];
            }
            const vs = item.candidates.map((_, i) => correctAt(item, i + 1));
            return vs.every((v) => v !== undefined) ? [[caseId, vs.indexOf(true) + 1] as [string, number]] : [];
        });
        const ranksBy = (correctAt: (it: ReviewItem, rank: number) => boolean | undefined): number[] => rankedBy(correctAt).map((x) => x[1]);
        const clinicians: Record<string, AccuracyCurve> = {};
        for (const r of reviewers) {
            const ranks = ranksBy((it, rank) => {
                const v = verdicts[r]?.[`${it.item}|${rank}`];
                return v === undefined ? undefined : isCorrectVerdict(v);
            });
            const finished = cases.filter(({ item }) => item !== null && item.candidates.every((_, i) => verdicts[r]?.[`${item.item}|${i + 1}`] !== undefined));
            if (finished.length > 0) {
                clinicians[r] = accuracyCurve(ranks, K);
            }
        }
        const consensus = rankedBy((it, rank) => {
            const graders = reviewers.filter((r) => it.candidates.every((_, i) => verdicts[r]?.[`${it.item}|${i + 1}`] !== undefined));
            return graders.length === 0 ? undefined : 2 * graders.filter((r) => isCorrectVerdict(verdicts[r]![`${it.item}|${rank}`]!)).length > graders.length;
        });
        return { model: arm.model, runDir: arm.runDir, task: arm.task, clinicians, consensus: accuracyCurve(consensus.map((x) => x[1]), K),
            consensusRanks: Object.fromEntries(consensus) };
    });

    // Every rater's label per unit, grouped by item for the cluster bootstrap.
    const units: { item: number; unit: string }[] = key.items.flatMap((it, i) => it.candidates.map((_, r) => ({ item: i, unit: `${it.item}|${r + 1}` })));
    const raters = new Map<string, Map<string, string>>();
    for (const r of reviewers) {
        raters.set(r, new Map(Object.entries(verdicts[r] ?? {})));
    }
    const llm = new Map<string, string>();
    const match = new Map<string, string>();
    key.items.forEach((it) => {
        const arm = arms[it.arm];
        const sample = arm?.samples.find((s) => s.doc_id === it.caseId);
        const c = arm?.cases.get(it.caseId);
        it.candidates.forEach((cand, r) => {
            const v = sample?.judge?.verdicts?.[r];
            if (v !== undefined) {
                llm.set(`${it.item}|${r + 1}`, v);
            }
            if (c !== undefined) {
                match.set(`${it.item}|${r + 1}`, matchesGold(cand, acceptedKeys(c.diagnosis, [...c.synonyms, ...c.icd10])) ? "correct" : "not correct");
            }
        });
    });
    const pair = (a: string, la: Map<string, string>, b: string, lb: Map<string, string>, labels: "verdict" | "correct"): AgreementStat => {
        const map = labels === "correct" ? binary : (v: string) => v;
        const shared = units.filter((u) => la.has(u.unit) && lb.has(u.unit));
        const byItem = groupByItem(shared);
        const stat = (rows: readonly { unit: string }[]): [number, number] => {
            const x = rows.map((u) => map(la.get(u.unit)!));
            const y = rows.map((u) => map(lb.get(u.unit)!));
            return [cohenKappa(x, y), percentAgreement(x.map((v, i) => [v, y[i]!]))];
        };
        const [kappa, percent] = shared.length === 0 ? [Number.NaN, Number.NaN] : stat(shared);
        const [ci, pci] = bootstrapCI(byItem.length, (idx) => stat([...idx].flatMap((i) => byItem[i]!)));
        return { a, b, labels, units: shared.length, kappa: finite(kappa), kappaLow: ci === undefined ? null : finite(ci.low),
            kappaHigh: ci === undefined ? null : finite(ci.high), percent: finite(percent),
            percentLow: pci === undefined ? null : finite(pci.low), percentHigh: pci === undefined ? null : finite(pci.high) };
    };
    const agreement: AgreementStat[] = [];
    for (let i = 0; i < reviewers.length; i++) {
        for (let j = i + 1; j < reviewers.length; j++) {
            for (const labels of ["verdict", "correct"] as const) {
                agreement.push(pair(reviewers[i]!, raters.get(reviewers[i]!)!, reviewers[j]!, raters.get(reviewers[j]!)!, labels));
            }
        }
    }
    for (const r of reviewers) {
        if (llm.size > 0) {
            agreement.push(pair("llm", llm, r, raters.get(r)!, "verdict"), pair("llm", llm, r, raters.get(r)!, "correct"));
        }
        agreement.push(pair("match", match, r, raters.get(r)!, "correct"));
    }
    const fleiss: ReviewResults["fleiss"] = [];
    if (reviewers.length >= 3) {
        const all = units.filter((u) => reviewers.every((r) => raters.get(r)!.has(u.unit)));
        const byItem = groupByItem(all);
        for (const labels of ["verdict", "correct"] as const) {
            const map = labels === "correct" ? binary : (v: string) => v;
            const rows = (us: readonly { unit: string }[]): string[][] => us.map((u) => reviewers.map((r) => map(raters.get(r)!.get(u.unit)!)));
            const [ci, pci] = bootstrapCI(byItem.length, (idx) => {
                const r = rows([...idx].flatMap((i) => byItem[i]!));
                return [fleissKappa(r), percentAgreement(r)];
            });
            fleiss.push({ labels, raters: reviewers.length, units: all.length, kappa: all.length === 0 ? null : finite(fleissKappa(rows(all))),
                kappaLow: ci === undefined ? null : finite(ci.low), kappaHigh: ci === undefined ? null : finite(ci.high),
                percent: all.length === 0 ? null : finite(percentAgreement(rows(all))),
                percentLow: pci === undefined ? null : finite(pci.low), percentHigh: pci === undefined ? null : finite(pci.high) });
        }
    }
    return { packId: key.packId, reviewers, arms: armStats, agreement, fleiss };
}

function groupByItem<T extends { item: number }>(units: readonly T[]): T[][] {
    const groups = new Map<number, T[]>();
    for (const u of units) {
        const g = groups.get(u.item) ?? [];
        g.push(u);
        groups.set(u.item, g);
    }
    return [...groups.values()];
}
