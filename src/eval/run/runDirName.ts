/** A new, never-reused run directory under the output dir: UTC time, model and tasks (e.g. 20260101T120000Z_openai-localhost-8000_pubmedqa+medqa). */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";

function slug(text: string, max: number): string {
    const s = text.replace(/^[a-z]+:\/\//i, "").replace(/[^A-Za-z0-9._+-]+/g, "-").replace(/^-+|-+$/g, "");
    return (s.length > max ? s.slice(0, max) : s) || "x";
}

export function createRunDir(outputDir: string, model: string, tasks: readonly string[], now = new Date()): string {
    const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
    const base = `${stamp}_${slug(model, 48)}_${slug(tasks.length > 6 ? `${tasks.length}tasks` : tasks.join("+"), 64)}`;
    mkdirSync(outputDir, { recursive: true });
    for (let n = 1; ; n++) {
        const dir = join(outputDir, n === 1 ? base : `${base}-${n}`);
        if (!existsSync(dir)) {
            // mkdir without recursive fails if a concurrent run took the name, so two runs never share a directory.
            try {
                mkdirSync(dir);
                return dir;
            } catch (error) {
                if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
                    throw error;
                }
            }
        }
    }
}
