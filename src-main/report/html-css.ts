/**
 * The report's stylesheet, inlined in the page (self-contained: no fonts, images or scripts are
 * fetched). Sized for A4 print: 10 pt text, tables that break between rows, charts and headings that
 * never split from their content. System font stacks only, since a report may be opened offline.
 */
export const REPORT_CSS = `
@page { size: A4; margin: 14mm 13mm 15mm 13mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "Helvetica Neue", Helvetica, Arial, "Liberation Sans", sans-serif; font-size: 10pt; line-height: 1.42; color: #1f2937; margin: 0 auto; max-width: 190mm; padding: 8mm 0; background: #fff; }
@media print { body { padding: 0; max-width: none; } }
h1 { font-size: 19pt; margin: 0 0 2mm; line-height: 1.2; color: #0f172a; }
h2 { font-size: 12.5pt; margin: 7mm 0 2.5mm; padding-bottom: 1mm; border-bottom: 1.5px solid #cbd5e1; color: #0f172a; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 10.5pt; margin: 4mm 0 1.5mm; color: #334155; break-after: avoid; page-break-after: avoid; }
p { margin: 0 0 2.5mm; }
.sub { color: #64748b; font-size: 9pt; }
header.top { display: flex; justify-content: space-between; align-items: flex-start; gap: 6mm; border-bottom: 3px solid #0f172a; padding-bottom: 3mm; margin-bottom: 3mm; }
.kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 8pt; color: #64748b; font-weight: 700; margin-bottom: 1mm; }
.badge { display: inline-block; padding: .5mm 2.5mm; border-radius: 3mm; font-weight: 700; font-size: 8.5pt; letter-spacing: .04em; color: #fff; vertical-align: middle; }
.badge.marker { background: #6d28d9; } .badge.passed { background: #15803d; } .badge.failed { background: #b91c1c; } .badge.aborted { background: #c2410c; } .badge.incomplete { background: #64748b; }
.score { text-align: center; min-width: 30mm; border: 1.5px solid #cbd5e1; border-radius: 2mm; padding: 2mm 3mm; }
.score .n { font-size: 24pt; font-weight: 800; line-height: 1; }
.score .l { font-size: 7.5pt; color: #64748b; text-transform: uppercase; letter-spacing: .06em; }
.score.good .n { color: #15803d; } .score.warn .n { color: #b45309; } .score.bad .n { color: #b91c1c; }
table { border-collapse: collapse; width: 100%; margin: 1.5mm 0 3mm; font-size: 8.6pt; }
th, td { border: 1px solid #e2e8f0; padding: 1.1mm 1.6mm; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: #f1f5f9; font-weight: 700; color: #334155; }
tr { break-inside: avoid; page-break-inside: avoid; }
thead { display: table-header-group; }
table.meta th { width: 30mm; }
td.nw, th.nw { white-space: nowrap; }
td.good { color: #15803d; font-weight: 700; } td.bad { color: #b91c1c; font-weight: 700; } td.warn { color: #b45309; font-weight: 700; } td.muted { color: #64748b; }
.summary { background: #f8fafc; border-left: 3px solid #0f172a; padding: 2.5mm 3.5mm; margin: 2mm 0 3mm; }
ul { margin: 1mm 0 2.5mm; padding-left: 5mm; } li { margin: .4mm 0; }
.empty { color: #64748b; font-style: italic; }
figure { margin: 2mm 0 4mm; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-size: 8.5pt; color: #475569; margin-bottom: 1mm; }
figcaption b { color: #0f172a; }
.tl-group { margin-bottom: 2mm; }
table.tl td { border: none; border-bottom: 1px solid #f1f5f9; padding: .6mm 1.2mm; font-size: 8.2pt; }
table.tl td.t { white-space: nowrap; color: #64748b; font-variant-numeric: tabular-nums; width: 1%; }
table.tl tr.error td.x { color: #b91c1c; } table.tl tr.warn td.x { color: #92400e; } table.tl tr.good td.x { color: #166534; }
table.tl ul { margin: .5mm 0 0; color: #475569; font-size: 7.8pt; }
.lessons { display: grid; grid-template-columns: 1fr 1fr 1fr; gap: 3mm; }
.lessons > div { border: 1px solid #e2e8f0; border-radius: 1.5mm; padding: 2mm 2.5mm; break-inside: avoid; }
.lessons h3 { margin-top: 0; }
.prompt { border-bottom: 1px dotted #94a3b8; min-height: 7mm; margin-bottom: 1.5mm; }
.formula { font-size: 8.3pt; color: #475569; }
footer { margin-top: 8mm; border-top: 1.5px solid #cbd5e1; padding-top: 2mm; font-size: 8pt; color: #64748b; }
footer .chain.ok { color: #15803d; font-weight: 700; } footer .chain.broken { color: #b91c1c; font-weight: 700; }
`;
