// index.html beside REPORT.md: the report's Markdown turned into one self-contained
// page with a table of contents, each ## section collapsible (<details>, open), every linked SVG inlined (ids prefixed per figure so they cannot clash), no script,
// no network. Only the Markdown our reports write is understood: headings, paragraphs, pipe
// tables, bullet lists, images on their own line, **bold**, `code`, [links](…) and <br>.

const CSS = `body{font-family:"DejaVu Sans",Arial,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#111;line-height:1.45}
table{border-collapse:collapse;margin:0.6em 0 1.2em;font-size:0.86em}th,td{border:1px solid #bbb;padding:3px 7px;vertical-align:top}
th{background:#eee}td.r,th.r{text-align:right}code{background:#f3f3f3;padding:0 3px}figure{margin:0.8em 0}
figure svg{max-width:100%;height:auto;border:1px solid #ddd}h1{font-size:1.6em}h2{font-size:1.25em;border-bottom:1px solid #ccc;margin-top:1.6em}
summary{cursor:pointer}summary h2{display:inline-block;margin-bottom:0.4em}nav.toc{border:1px solid #ddd;padding:0.3em 1em;margin:1em 0}
nav.toc ul{margin:0.2em 0;padding-left:1.4em}nav.toc .h3{margin-left:1.4em}`;

/** Text for HTML: &, <, > and " escaped. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function inline(text: string): string {
  let s = esc(text);
  s = s.replace(/&lt;br&gt;/g, '<br>');
  s = s.replace(/`([^`]+)`/g, '<code>$1</code>');
  s = s.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
  s = s.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '<a href="$2">$1</a>');
  return s;
}

/** An SVG made safe to inline next to others: no XML prolog, ids and references prefixed. */
export function inlineSvg(svg: string, prefix: string): string {
  return svg
    .replace(/<\?xml[^>]*\?>\s*/, '')
    .replace(/<!DOCTYPE[^>]*>\s*/i, '')
    .replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`)
    .replace(/(xlink:href|href)="#([^"]+)"/g, `$1="#${prefix}-$2"`)
    .trim();
}

function splitRow(line: string): string[] {
  return line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());
}

/**
 * The page for a report. `figures` maps an image path as written in the Markdown (e.g.
 * plots/x.svg) to its SVG text; an image without an entry becomes a figure caption only.
 */
export function reportHtml(markdown: string, title: string, figures: Map<string, string>): string {
  const lines = markdown.split('\n');
  const body: string[] = [];
  const toc: { level: number; id: string; text: string }[] = [];
  let open = false;
  let figureCount = 0;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === '') { i++; continue; }
    const h = /^(#{1,4})\s+(.*)$/.exec(line);
    if (h) {
      const level = h[1].length;
      const text = inline(h[2]);
      i++;
      if (level === 1) { body.push(`<h1>${text}</h1>`); continue; }
      const id = `sec-${toc.length + 1}`;
      if (level <= 3) toc.push({ level, id, text });
      if (level === 2) {
        if (open) body.push('</details>');
        body.push(`<details open id="${id}"><summary><h2>${text}</h2></summary>`);
        open = true;
      } else body.push(`<h${level} id="${id}">${text}</h${level}>`);
      continue;
    }
    // The alt text may hold brackets ("hidden [64,32]"): it runs to the last "](" of the line.
    const img = /^!\[(.*)\]\(([^()\s]+)\)\s*$/.exec(line);
    if (img) {
      const svg = figures.get(img[2]);
      figureCount++;
      body.push(svg
        ? `<figure role="img" aria-label="${esc(img[1])}">${inlineSvg(svg, `f${figureCount}`)}<figcaption>${inline(img[1])}</figcaption></figure>`
        : `<figure><figcaption>${inline(img[1])} (${esc(img[2])} not found)</figcaption></figure>`);
      i++;
      continue;
    }
    if (line.startsWith('|')) {
      const rows: string[] = [];
      while (i < lines.length && lines[i].startsWith('|')) rows.push(lines[i++]);
      const head = splitRow(rows[0]);
      const right = rows.length > 1 ? splitRow(rows[1]).map((c) => c.endsWith(':')) : [];
      const cls = (k: number) => (right[k] ? ' class="r"' : '');
      body.push('<table>', `<thead><tr>${head.map((c, k) => `<th${cls(k)}>${inline(c)}</th>`).join('')}</tr></thead>`, '<tbody>');
      for (const r of rows.slice(2)) body.push(`<tr>${splitRow(r).map((c, k) => `<td${cls(k)}>${inline(c)}</td>`).join('')}</tr>`);
      body.push('</tbody>', '</table>');
      continue;
    }
    if (line.startsWith('- ')) {
      body.push('<ul>');
      while (i < lines.length && lines[i].startsWith('- ')) body.push(`<li>${inline(lines[i++].slice(2))}</li>`);
      body.push('</ul>');
      continue;
    }
    const para: string[] = [];
    // The first line always: one that looks like a block but was not taken as one is text (else no progress).
    para.push(lines[i++]);
    while (i < lines.length && lines[i].trim() !== '' && !/^(#{1,4}\s|\||- |!\[)/.test(lines[i])) para.push(lines[i++]);
    body.push(`<p>${inline(para.join(' '))}</p>`);
  }
  if (open) body.push('</details>');
  if (toc.length > 1) {
    // Links keep the text's markup but not nested links.
    const items = toc.map((t) => `<li class="h${t.level}"><a href="#${t.id}">${t.text.replace(/<\/?a\b[^>]*>/g, '')}</a></li>`);
    const at = body.findIndex((b) => b.startsWith('<h1>')) + 1;
    body.splice(at, 0, '<nav class="toc" aria-label="Contents"><strong>Contents</strong>', '<ul>', ...items, '</ul>', '</nav>');
  }
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing is fetched: no scripts, no external styles or images.
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; img-src data:">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
