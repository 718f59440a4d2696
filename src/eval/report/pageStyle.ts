/** The one stylesheet of the report pages, inlined (the pages make no network requests). */
export const PAGE_CSS = `
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222;max-width:1200px}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f1f4f8}td.num{text-align:right;font-variant-numeric:tabular-nums}
.charts{display:flex;flex-wrap:wrap;gap:1rem}.chart{border:1px solid #eee;padding:4px}
.note{color:#666;font-size:.85rem}.bad{color:#a33}
#samples .sample{border:1px solid #ddd;margin:.5rem 0;padding:.5rem}
#samples .sample.correct{border-left:4px solid #3a3}#samples .sample.incorrect{border-left:4px solid #c33}#samples .sample.failed{border-left:4px solid #999}
pre{white-space:pre-wrap;max-height:14rem;overflow:auto;background:#fafafa;padding:.3rem;margin:.2rem 0}
.controls{display:flex;gap:1rem;align-items:center;margin:.5rem 0}
`;
