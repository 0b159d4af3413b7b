"""The matrix as one self-contained HTML page a newsroom can publish.

One file, no network: the styles and the small script are inline, there are no fonts, images or
scripts from elsewhere, and a Content-Security-Policy forbids loading any. The page holds the
matrix (sortable and filterable), a timeline of the authorities (their windows and effects) and,
in each cell, the findings with their citations, opened by click or keyboard (``<details>``),
with a one-line summary as a hover title. Headers carry ``scope``; glyphs and colours have words
beside them. Every text from a file is escaped, and only http(s) addresses become links. Without
the script the page is complete; the script only sorts and filters.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .common import VERDICT_WORDS
from .matrix_cells import (
    COLOURS,
    LEGEND,
    WORDS,
    cell_summary,
    column_label,
    determination_text,
    glyph,
    groups,
    marks,
)
from .style import Style
from .text import html_text as h
from .text import http_url

_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:1.5rem;color:#202124;background:#fff}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}
table{border-collapse:collapse}
th,td{border:1px solid #dadce0;padding:.2rem .4rem;vertical-align:top}
thead th{background:#f1f3f4;position:sticky;top:0}
th[scope=row]{text-align:left;font-weight:normal;white-space:nowrap}
summary{cursor:pointer;white-space:nowrap;list-style:none;font-weight:bold}
summary::-webkit-details-marker{display:none}
summary:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible{
outline:3px solid #1a73e8}
.v{display:inline-block;min-width:1.2em;text-align:center;color:#fff;border-radius:3px;
padding:0 .2em}
details[open]{min-width:24rem}details ul{margin:.3rem 0;padding-left:1.1rem;font-weight:normal}
.sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;border:0;overflow:hidden;
clip:rect(0 0 0 0);white-space:nowrap}
.muted{color:#5f6368}.controls{margin:.8rem 0}.controls label{margin-right:1rem}
button.sort{font:inherit;background:none;border:0;padding:0;cursor:pointer;text-decoration:underline}
.timeline{width:100%}.timeline th[scope=row]{white-space:normal;width:20rem}
.timeline td{white-space:normal}.timeline td:nth-child(3){white-space:nowrap}
.scroll{overflow-x:auto;max-width:100%}
#matrix td{white-space:nowrap}#matrix details[open]>*{white-space:normal}
caption{text-align:left;caption-side:top;padding:.3rem 0}
""".strip()

_SCRIPT = """
(function(){
  var table=document.getElementById('matrix');if(!table){return;}
  var body=table.tBodies[0];
  function rows(){return Array.prototype.slice.call(body.rows);}
  function apply(){
    var text=document.getElementById('filter-text').value.toLowerCase();
    var verdict=document.getElementById('filter-verdict').value;
    var shown=0;
    rows().forEach(function(r){
      var ok=(!text||r.getAttribute('data-name').indexOf(text)>=0)&&
        (!verdict||r.getAttribute('data-verdicts').split(' ').indexOf(verdict)>=0);
      r.hidden=!ok;if(ok){shown++;}
    });
    document.getElementById('shown').textContent=shown+' of '+rows().length+' jurisdictions shown';
  }
  function sortBy(button){
    var key=button.getAttribute('data-key');
    var ths=table.querySelectorAll('thead th[aria-sort]');
    var dir=button.parentNode.getAttribute('aria-sort')==='ascending'?'descending':'ascending';
    Array.prototype.forEach.call(ths,function(th){th.setAttribute('aria-sort','none');});
    button.parentNode.setAttribute('aria-sort',dir);
    var sign=dir==='ascending'?1:-1;
    rows().sort(function(a,b){
      var x=a.getAttribute('data-'+key),y=b.getAttribute('data-'+key);
      var nx=Number(x),ny=Number(y);
      if(!isNaN(nx)&&!isNaN(ny)&&x!==''&&y!==''){return sign*(nx-ny);}
      return sign*(x<y?-1:x>y?1:0);
    }).forEach(function(r){body.appendChild(r);});
  }
  document.getElementById('filter-text').addEventListener('input',apply);
  document.getElementById('filter-verdict').addEventListener('change',apply);
  Array.prototype.forEach.call(table.querySelectorAll('button.sort'),function(b){
    b.addEventListener('click',function(){sortBy(b);});
  });
  apply();
})();
""".strip()

_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)


def _verdict_badge(verdict: str | None) -> str:
    return (
        f"<span class=v style='background:{COLOURS[verdict]}' aria-hidden=true>"
        f"{h(glyph(verdict))}</span>"
    )


def _link(text: str, url: str | None) -> str:
    safe_url = http_url(url)
    if safe_url is None:
        return h(text)
    return f'<a href="{h(safe_url)}" rel="noopener noreferrer">{h(text)}</a>'


def _citations(citations: list[dict[str, Any]]) -> str:
    items = []
    for c in citations:
        where = f", {c['section']}" if c.get("section") else ""
        quality = f" [{c['quality']}]" if c.get("quality") else ""
        link = _link(c.get("url") or "(no address)", c.get("url"))
        items.append(f"{h(c['instrument'])}{h(where)}: {link}{h(quality)}")
    return "; ".join(items)


def _finding(f: dict[str, Any]) -> str:
    kind = ""
    if f["verdict"] in ("conflict", "compliant"):
        kind = " (projection)" if f["projection"] else f" (recorded: {f['determination']})"
    text = f["message"]
    if f.get("reason") and f["reason"] != f["message"]:
        text += f" ({f['reason']})"
    parts = [
        f"<li>{_verdict_badge(f['verdict'])} <strong>{h(VERDICT_WORDS[f['verdict']])}"
        f"{h(kind)}</strong>: {h(f['provision'])} ({h(f['question'])})",
        f"<br>{h(text)}",
    ]
    if f.get("policy_location"):
        parts.append(f"<br>policy: <code>{h(f['policy_location'])}</code>")
    if f["policy_citations"]:
        parts.append(f"<br>policy text: {_citations(f['policy_citations'])}")
    if f["citations"]:
        parts.append(f"<br>the authority cites: {_citations(f['citations'])}")
    return "".join(parts) + "</li>"


def _cell(row: dict[str, Any], matrix: dict[str, Any], i: int) -> str:
    cell = row["cells"][i]
    v = cell["verdict"]
    summary = cell_summary(row, matrix, i)
    label = f"{_verdict_badge(v)} {h(WORDS[v])}{h(marks(cell))}"
    if v is None:
        return f'<td title="{h(summary)}">{label}<span class=sr>: {h(summary)}</span></td>'
    body = []
    if cell["determination"] is not None:
        body.append(f"<p>Recorded determination: {h(determination_text(cell))}</p>")
    else:
        body.append(
            "<p>No recorded determination of this authority: the verdict is the tool's "
            "projection.</p>"
        )
    if cell["unknown_provisions"]:
        body.append(f"<p>{h(cell['unknown_provisions'])} provisions unknown.</p>")
    shown = [f for f in cell["findings"] if f["verdict"] != "not_applicable"]
    body.append("<ul>" + "".join(_finding(f) for f in shown) + "</ul>")
    return (
        f'<td title="{h(summary)}"><details><summary>{label}'
        f"<span class=sr>; {h(summary)}; details</span></summary>{''.join(body)}</details></td>"
    )


def _matrix(matrix: dict[str, Any]) -> list[str]:
    cols = matrix["columns"]
    order = [i for _, idx in groups(matrix) for i in idx]
    out = [
        "<div class=scroll role=region aria-labelledby=matrix-caption tabindex=0>",
        "<table id=matrix>",
        f"<caption id=matrix-caption>{h(_title(matrix))}: one authority's jurisdiction-level "
        "verdict per cell. Open a cell for its findings and citations.</caption>",
        "<thead>",
    ]
    if matrix["mode"] == "years":
        out.append("<tr><td></td><td></td>")
        for name, idx in groups(matrix):
            out.append(f"<th scope=colgroup colspan={len(idx)}>{h(name)}</th>")
        out.append("</tr>")
    out.append(
        "<tr><th scope=col aria-sort=none><button class=sort data-key=name type=button>"
        "jurisdiction</button></th><th scope=col aria-sort=none><button class=sort "
        "data-key=conflicts type=button>conflicts</button></th>"
    )
    for i in order:
        out.append(f"<th scope=col>{h(column_label(matrix, cols[i]))}</th>")
    out.append("</tr></thead><tbody>")
    for r in matrix["rows"]:
        verdicts = " ".join(sorted({c["verdict"] or "none" for c in r["cells"]}))
        out.append(
            f'<tr data-name="{h(r["name"].casefold())} {h(r["id"])}" '
            f'data-conflicts="{h(r["conflicts"])}" data-verdicts="{h(verdicts)}">'
            f"<th scope=row>{h(r['name'])} <span class=muted>({h(r['id'])}, "
            f"{h(r['state'])})</span></th><td>{h(r['conflicts'])}</td>"
            + "".join(_cell(r, matrix, i) for i in order)
            + "</tr>"
        )
    out.append("</tbody></table></div>")
    return out


def _timeline(matrix: dict[str, Any]) -> list[str]:
    out = [
        "<h2 id=timeline>Timeline of the authorities</h2>",
        "<table class=timeline><thead><tr><th scope=col>authority</th><th scope=col>lens</th>"
        "<th scope=col>in force from</th><th scope=col>until</th><th scope=col>effects on "
        "other authorities</th></tr></thead><tbody>",
    ]
    for a in matrix["authorities"]:
        until = a["effective_until"] or "(no end)"
        if a.get("last_known_in_force"):
            until += f"; last known in force {a['last_known_in_force']}"
        if a.get("ended_by"):
            until += f"; ended by {a['ended_by']}"
        effects = "".join(
            f"<li>{h(e['kind'].replace('_', ' '))} on {h(e['target'])} ({h(e['scope'])}), "
            f"{h(e['effective_from'] or 'unknown')} to {h(e['effective_until'] or '(no end)')}: "
            f"{h(e['summary'])}</li>"
            for e in a["effects"]
        )
        out.append(
            f"<tr><th scope=row>{h(a['id'])}<br><span class=muted>{h(a['title'])}</span></th>"
            f"<td>{h(a['lens'])}</td><td>{h(a['effective_from'] or 'unknown')}</td>"
            f"<td>{h(until)}</td><td>{'<ul>' + effects + '</ul>' if effects else 'none'}</td></tr>"
        )
    out.append("</tbody></table>")
    out.extend(_bars(matrix))
    return out


def _year(raw: str | None) -> float | None:
    m = re.match(r"^(\d{4})(?:-(\d{2}))?", raw or "")
    if not m:
        return None
    return int(m.group(1)) + (int(m.group(2)) - 1) / 12 if m.group(2) else float(m.group(1))


def _bars(matrix: dict[str, Any]) -> list[str]:
    """The windows as bars on a line of years (a picture; the table above says it in words)."""
    spans = []
    for a in matrix["authorities"]:
        start = _year(a["effective_from"])
        end = _year(a["effective_until"]) or _year(a.get("last_known_in_force"))
        spans.append((a["id"], start, end, a["effective_until"] is None))
    known = [y for _, s, e, _ in spans for y in (s, e) if y is not None]
    if not known:
        return []
    first = int(min(known)) - 1
    last = max(int(max(known)) + 2, dt.date.today().year + 1)
    width, left, row = 720, 170, 22
    scale = (width - left - 10) / (last - first)
    height = row * len(spans) + 46
    out = [
        f"<svg width='{width}' height='{height}' role='img' aria-labelledby='tl-t'>"
        "<title id='tl-t'>The authorities' windows in force, by year (the table above "
        "gives the same dates in words)</title>",
        f"<text x='{left}' y='{height - 18}' font-size='11' fill='#5f6368'>blue: no end date; "
        "grey: ended, or last known in force</text>",
    ]
    for n, (ident, start, end, open_end) in enumerate(spans):
        y = 10 + row * n
        out.append(f"<text x='0' y='{y + 12}' font-size='12'>{h(ident)}</text>")
        if start is None:
            continue
        stop = end if end is not None else float(last)
        x0 = left + (start - first) * scale
        out.append(
            f"<rect x='{x0:.1f}' y='{y}' width='{max(2.0, (stop - start) * scale):.1f}' "
            f"height='14' fill='{'#1a73e8' if open_end else '#5f6368'}' rx='2'/>"
        )
    for year in range(first, last + 1, max(1, (last - first) // 10)):
        x0 = left + (year - first) * scale
        out.append(
            f"<text x='{x0:.1f}' y='{height - 4}' font-size='11' fill='#5f6368'>{year}</text>"
        )
    out.append("</svg>")
    return out


def _title(matrix: dict[str, Any]) -> str:
    if matrix["mode"] == "years":
        y = matrix["years"]
        return f"Jurisdictions by year, {y[0]['year']}-{y[-1]['year']}"
    return f"Jurisdictions by authority, as of {matrix['as_of']}"


def render(matrix: dict[str, Any], style: Style) -> str:
    del style
    years = ""
    if matrix["mode"] == "years":
        years = (
            "<p>Each past year is evaluated as of December 31; the current year as of the day "
            "the page was made.</p>"
        )
    legend = "".join(
        f"<li>{_verdict_badge(v)} {h(WORDS[v])}</li>"
        for v in ("conflict", "compliant", "unknown", "not_applicable", None)
    ) + "".join(f"<li><strong>{h(mark)}</strong> {h(words)}</li>" for mark, words in LEGEND)
    options = "".join(
        f'<option value="{v}">{h(WORDS[v])}</option>'
        for v in ("conflict", "compliant", "unknown", "not_applicable")
    )
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{h(_title(matrix))}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{h(_title(matrix))}</h1>",
        f"<p>Made by sanctuary-check {h(matrix['tool']['version'])} (rule set "
        f"{h(matrix['ruleset']['sha256'][:12])}). Each cell is one authority's verdict on one "
        "jurisdiction's encoded policy. A verdict marked * is the tool's projection of that "
        "authority's reading, not a finding the authority made; a verdict marked # stands beside "
        "what the authority itself determined. This is not legal advice.</p>",
        years,
        (
            "<p>Not in force on any day shown, so no column: "
            f"{h(', '.join(matrix['not_in_force']))} (their windows are in the timeline).</p>"
            if matrix["not_in_force"]
            else ""
        ),
        f"<h2>Legend</h2><ul>{legend}</ul>",
        "<div class=controls><label>Find a jurisdiction <input id=filter-text type=search>"
        '</label><label>With a cell that is <select id=filter-verdict><option value="">any '
        f"verdict</option>{options}</select></label><span id=shown role=status></span></div>",
        *_matrix(matrix),
        *_timeline(matrix),
    ]
    if matrix["errors"]:
        out.append("<h2>Files that could not be evaluated</h2><ul>")
        out.extend(
            f"<li><code>{h(e['path'])}:{h(e['line'])}:{h(e['column'])}</code>: {h(e['message'])} "
            f"[{h(e['code'])}]</li>"
            for e in matrix["errors"]
        )
        out.append("</ul>")
    out.append(f"<script>{_SCRIPT}</script></body></html>")
    return "\n".join(out) + "\n"
