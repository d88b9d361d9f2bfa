/**
 * The report as one self-contained HTML page: the Markdown of markdown.ts rendered by markdown-it
 * (raw HTML off, so every value from the plan is escaped by the renderer), inline CSS with print
 * rules, and a Content-Security-Policy that forbids every network load, so the page works offline
 * and a stray external reference shows up as a console error in the browser test.
 */
import MarkdownIt from "markdown-it";

/** Cell texts that get a colour (by prefix), and their CSS class. */
const TONES: readonly (readonly [RegExp, string])[] = [
  [/^(enforced|applied|in place|UAE)\b/, "ok"],
  [/^(partially|idle|advisory|unknown)\b/, "warn"],
  [/^(not covered|not in this plan|off|mandatory violation|outside the UAE)\b/, "bad"],
];

function markdownIt(): MarkdownIt.MarkdownIt {
  const md = new MarkdownIt({ html: false, linkify: false, typographer: false });
  // Colour status cells: tag a table cell whose text starts with a status word.
  md.core.ruler.push("status-cells", (state) => {
    const tokens = state.tokens;
    for (let i = 0; i + 1 < tokens.length; i++) {
      const open = tokens[i];
      const inline = tokens[i + 1];
      if (open?.type !== "td_open" || inline?.type !== "inline") continue;
      const tone = TONES.find(([re]) => re.test(inline.content));
      if (tone) open.attrJoin("class", tone[1]);
    }
    return true;
  });
  return md;
}

const CSS = `
:root { --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --line: #d0d7de; --muted: #57606a; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif; color: #1f2328; margin: 0 auto; padding: 24px; max-width: 1200px; }
h1 { font-size: 24px; border-bottom: 2px solid #1f2328; padding-bottom: 6px; }
h2 { font-size: 19px; margin-top: 32px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin-top: 20px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 12.5px; }
th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; overflow-wrap: break-word; }
th { background: #f6f8fa; white-space: nowrap; }
td code { overflow-wrap: anywhere; }
code { font: 11.5px/1.3 ui-monospace, "DejaVu Sans Mono", monospace; background: #f6f8fa; padding: 0 2px; border-radius: 3px; }
td.ok { color: var(--ok); font-weight: 600; }
td.warn { color: var(--warn); font-weight: 600; }
td.bad { color: var(--bad); font-weight: 600; }
ul { padding-left: 20px; }
li { margin: 3px 0; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { max-width: none; padding: 0; font-size: 11px; }
  table { font-size: 9.5px; }
  code { font-size: 9px; }
  h2 { break-before: auto; break-after: avoid; }
  h3 { break-after: avoid; }
  thead { display: table-header-group; }
  tr, li { break-inside: avoid; }
  th, code { background: none; }
  * { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
`;

const escapeHtml = (s: string) => new MarkdownIt().utils.escapeHtml(s);

/** The HTML page of `markdown` (the report's Markdown), titled `title`. */
export function renderHtml(markdown: string, title: string): string {
  const body = markdownIt().render(markdown);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
${body}</main>
<footer>Generated offline by <code>npm run report</code>; needs no network. Print to PDF from the browser for filing.</footer>
</body>
</html>
`;
}
