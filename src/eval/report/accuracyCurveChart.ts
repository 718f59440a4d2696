/**
 * An SVG line chart of top-K accuracy against K (1 … K) for one or more series (judges, models), each with its
 * bootstrap 95 % CI as a translucent band. Inline, no scripts; series data also go in <title> for hover text.
 */
import type { AccuracyCurve } from "../tasks/diagnosis/diagnosisMetrics.js";
import { escapeHtml } from "./htmlEscape.js";

export interface CurveSeries {
    label: string;
    curve: AccuracyCurve;
}

const COLORS = ["#3b6ea8", "#c0504d", "#4f9a4f", "#8064a2", "#d08a2e", "#2e9fb0", "#777777"];

export function accuracyCurveChart(title: string, series: readonly CurveSeries[]): string {
    const W = 460;
    const H = 260;
    const left = 44;
    const right = 150;
    const top = 26;
    const bottom = 34;
    const K = Math.max(1, ...series.map((s) => s.curve.accuracy.length));
    const x = (k: number): number => left + (K === 1 ? 0 : (k - 1) / (K - 1)) * (W - left - right);
    const y = (v: number): number => top + (1 - Math.max(0, Math.min(1, v))) * (H - top - bottom);
    const grid = [0, 0.25, 0.5, 0.75, 1].map((v) => `<line x1="${left}" x2="${W - right}" y1="${y(v)}" y2="${y(v)}" stroke="#eee"/>`
        + `<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${v.toFixed(2)}</text>`).join("");
    const ticks = Array.from({ length: K }, (_, i) => `<text x="${x(i + 1)}" y="${H - bottom + 14}" text-anchor="middle">${i + 1}</text>`).join("");
    const body = series.map((s, i) => {
        const color = COLORS[i % COLORS.length]!;
        const pts = s.curve.accuracy.map((v, k) => ({ k: k + 1, v, lo: s.curve.ciLow[k]!, hi: s.curve.ciHigh[k]! })).filter((p) => Number.isFinite(p.v));
        if (pts.length === 0) {
            return "";
        }
        const band = [...pts.map((p) => `${x(p.k).toFixed(1)},${y(p.hi).toFixed(1)}`), ...[...pts].reverse().map((p) => `${x(p.k).toFixed(1)},${y(p.lo).toFixed(1)}`)].join(" ");
        const line = pts.map((p) => `${x(p.k).toFixed(1)},${y(p.v).toFixed(1)}`).join(" ");
        const tip = `${s.label} (n=${s.curve.n}): ${pts.map((p) => `top-${p.k} ${p.v.toFixed(3)} [${p.lo.toFixed(3)}, ${p.hi.toFixed(3)}]`).join("; ")}`;
        return `<g class="series" data-label="${escapeHtml(s.label)}"><title>${escapeHtml(tip)}</title>`
            + `<polygon points="${band}" fill="${color}" fill-opacity="0.15" stroke="none"/>`
            + `<polyline points="${line}" fill="none" stroke="${color}" stroke-width="2"/>`
            + pts.map((p) => `<circle cx="${x(p.k).toFixed(1)}" cy="${y(p.v).toFixed(1)}" r="2.5" fill="${color}"/>`).join("")
            + `<rect x="${W - right + 10}" y="${top + i * 18}" width="10" height="10" fill="${color}"/>`
            + `<text x="${W - right + 24}" y="${top + i * 18 + 9}">${escapeHtml(s.label.length > 20 ? `${s.label.slice(0, 19)}…` : s.label)}</text></g>`;
    }).join("");
    return `<svg class="chart curve" role="img" aria-label="${escapeHtml(title)}" width="${W}" height="${H}" xmlns="http://www.w3.org/2000/svg" `
        + `font-size="11" font-family="sans-serif"><text x="0" y="14" font-weight="bold">${escapeHtml(title)}</text>${grid}${ticks}`
        + `<text x="${(left + W - right) / 2}" y="${H - 4}" text-anchor="middle">K</text>${body}</svg>`;
}
