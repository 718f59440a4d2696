/** A horizontal SVG bar chart of metric values in [0, 1] (one per task in the report), inline, no scripts. */
import { escapeHtml } from "./htmlEscape.js";

export function barChart(title: string, bars: readonly { label: string; value: number }[]): string {
    const rowH = 22;
    const labelW = 150;
    const barW = 260;
    const h = bars.length * rowH + 28;
    const rows = bars.map((b, i) => {
        const y = 24 + i * rowH;
        const w = Math.max(0, Math.min(1, b.value)) * barW;
        return `<text x="${labelW - 6}" y="${y + 14}" text-anchor="end">${escapeHtml(b.label)}</text>`
            + `<rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="#3b6ea8"/>`
            + `<text x="${labelW + w + 4}" y="${y + 14}">${b.value.toFixed(3)}</text>`;
    }).join("");
    return `<svg class="chart" role="img" aria-label="${escapeHtml(title)}" width="${labelW + barW + 60}" height="${h}" `
        + `xmlns="http://www.w3.org/2000/svg" font-size="12" font-family="sans-serif">`
        + `<text x="0" y="14" font-weight="bold">${escapeHtml(title)}</text>${rows}</svg>`;
}
