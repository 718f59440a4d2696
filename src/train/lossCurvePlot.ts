/**
 * Renders training and validation loss against step as a self-contained SVG (no dependencies, opens in any
 * browser), written next to the run's log so people see the curve instead of reading numbers.
 */
export interface LossPoint {
    step: number;
    loss: number;
}

export interface LossCurveOptions {
    train: readonly LossPoint[];
    validation?: readonly LossPoint[];
    title?: string;
    width?: number;
    height?: number;
}

function esc(text: string): string {
    return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
}

function niceTicks(lo: number, hi: number, count: number): number[] {
    if (!(hi > lo)) {
        return [lo];
    }
    const raw = (hi - lo) / count;
    const mag = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
    const out: number[] = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) {
        out.push(Number(v.toPrecision(12)));
    }
    return out;
}

export function lossCurvePlot({ train, validation = [], title = "loss", width = 720, height = 360 }: LossCurveOptions): string {
    const all = [...train, ...validation].filter((p) => Number.isFinite(p.loss));
    const left = 56;
    const right = 16;
    const top = 32;
    const bottom = 40;
    const xs = all.map((p) => p.step);
    const ys = all.map((p) => p.loss);
    const xMin = all.length ? Math.min(...xs) : 0;
    const xMax = all.length ? Math.max(...xs, xMin + 1) : 1;
    const yMin = all.length ? Math.min(...ys) : 0;
    const yMax = all.length ? Math.max(...ys, yMin + 1e-6) : 1;
    const pad = (yMax - yMin) * 0.05;
    const y0 = yMin - pad;
    const y1 = yMax + pad;
    const sx = (x: number): number => left + ((x - xMin) / (xMax - xMin)) * (width - left - right);
    const sy = (y: number): number => top + (1 - (y - y0) / (y1 - y0)) * (height - top - bottom);
    const path = (points: readonly LossPoint[]): string => points.filter((p) => Number.isFinite(p.loss))
        .map((p, i) => `${i === 0 ? "M" : "L"}${sx(p.step).toFixed(1)},${sy(p.loss).toFixed(1)}`).join("");
    const parts: string[] = [];
    parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
    parts.push(`<rect width="100%" height="100%" fill="white"/>`);
    parts.push(`<text x="${width / 2}" y="18" text-anchor="middle" font-size="14">${esc(title)}</text>`);
    for (const t of niceTicks(y0, y1, 5)) {
        parts.push(`<line x1="${left}" x2="${width - right}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" stroke="#eee"/>`);
        parts.push(`<text x="${left - 6}" y="${(sy(t) + 4).toFixed(1)}" text-anchor="end">${t}</text>`);
    }
    for (const t of niceTicks(xMin, xMax, 6)) {
        parts.push(`<text x="${sx(t).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle">${t}</text>`);
    }
    parts.push(`<text x="${(left + width - right) / 2}" y="${height - 6}" text-anchor="middle">step</text>`);
    parts.push(`<line x1="${left}" x2="${left}" y1="${top}" y2="${height - bottom}" stroke="#333"/>`);
    parts.push(`<line x1="${left}" x2="${width - right}" y1="${height - bottom}" y2="${height - bottom}" stroke="#333"/>`);
    parts.push(`<path d="${path(train)}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>`);
    if (validation.length > 0) {
        parts.push(`<path d="${path(validation)}" fill="none" stroke="#d62728" stroke-width="2" stroke-dasharray="5,3"/>`);
        for (const p of validation) {
            parts.push(`<circle cx="${sx(p.step).toFixed(1)}" cy="${sy(p.loss).toFixed(1)}" r="2.5" fill="#d62728"/>`);
        }
    }
    parts.push(`<g transform="translate(${width - right - 130},${top + 4})"><rect width="124" height="${validation.length ? 36 : 20}" fill="white" stroke="#ccc"/>`);
    parts.push(`<line x1="6" x2="26" y1="11" y2="11" stroke="#1f77b4" stroke-width="2"/><text x="32" y="15">train loss</text>`);
    if (validation.length) {
        parts.push(`<line x1="6" x2="26" y1="27" y2="27" stroke="#d62728" stroke-width="2" stroke-dasharray="5,3"/><text x="32" y="31">validation loss</text>`);
    }
    parts.push(`</g></svg>`);
    return parts.join("\n");
}
