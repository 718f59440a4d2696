/**
 * A run's metrics log: one JSON object per line in `log.jsonl`, and `loss.svg` redrawn from it. On resume the
 * lines past the resumed step are dropped first (a killed run may have logged steps it never checkpointed), so
 * the log of a resumed run reads like the log of an uninterrupted one.
 */
import { appendFileSync, existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { atomicWriteFileSync } from "../util/atomicWrite.js";
import { lossCurvePlot, type LossPoint } from "./lossCurvePlot.js";

export interface LogEntry {
    step: number;
    kind: "train" | "validation";
    loss: number;
    [key: string]: number | string;
}

export class RunLog {
    private readonly path: string;
    private readonly plotPath: string;
    private readonly title: string;
    private readonly train: LossPoint[] = [];
    private readonly validation: LossPoint[] = [];

    public constructor(runDir: string, title: string, resumeStep: number | null) {
        this.path = join(runDir, "log.jsonl");
        this.plotPath = join(runDir, "loss.svg");
        this.title = title;
        if (existsSync(this.path)) {
            const kept = resumeStep === null ? [] : readFileSync(this.path, "utf8").split("\n").filter((l) => l.trim() !== "")
                .map((l) => JSON.parse(l) as LogEntry).filter((e) => e.step <= resumeStep);
            atomicWriteFileSync(this.path, kept.map((e) => `${JSON.stringify(e)}\n`).join(""));
            for (const e of kept) {
                (e.kind === "validation" ? this.validation : this.train).push({ step: e.step, loss: e.loss });
            }
        }
    }

    /** Removes a run's log and plot (a run started over with --overwrite). */
    public static remove(runDir: string): void {
        rmSync(join(runDir, "log.jsonl"), { force: true });
        rmSync(join(runDir, "loss.svg"), { force: true });
    }

    public append(entry: LogEntry): void {
        appendFileSync(this.path, `${JSON.stringify(entry)}\n`);
        (entry.kind === "validation" ? this.validation : this.train).push({ step: entry.step, loss: entry.loss });
    }

    public plot(): void {
        atomicWriteFileSync(this.plotPath, lossCurvePlot({ train: this.train, validation: this.validation, title: this.title }));
    }

    public get trainPoints(): readonly LossPoint[] {
        return this.train;
    }

    public get validationPoints(): readonly LossPoint[] {
        return this.validation;
    }
}
