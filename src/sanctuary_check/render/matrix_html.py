"""The matrix as one self-contained HTML page a newsroom can publish.

One file, no network: the styles, the small script and the data are inline, there are no fonts,
images or scripts from elsewhere, and a Content-Security-Policy forbids loading any. The page
holds the matrix (sortable and filterable), a timeline of the authorities (their windows and
effects) and, in each cell, the findings with their citations, opened by click or keyboard
(``<details>``). Headers carry ``scope``; glyphs and colours have words beside them. Every text
from a file is escaped, and only http(s) addresses become links.

At dataset scale (thousands of jurisdictions, years as columns) most cells repeat what others
say: the same finding no policy text went into, the same policy from one year to the next. So
each distinct finding, citation list and message is written once, in one JSON block the page
embeds (``<script type="application/json">``, never executed), and each cell names its details
by index (``data-b``); the inline script writes them into the cell when it is opened. Without
the script the page still shows every verdict, with its word and marks, and says where the
findings are. The cell itself stays small: its verdict word and marks, the glyph and colour from
the stylesheet, the marks' meaning for screen readers by reference (``aria-describedby``) to
one description per combination of marks.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from typing import Any

from .matrix_cells import (
    COLOURS,
    GLYPHS,
    LEGEND,
    LENS_COUNTS,
    LENS_WORDS,
    WORDS,
    column_kind,
    column_label,
    determination_text,
    glyph,
    groups,
    marks,
    not_binding,
)
from .style import Style
from .text import html_text as h
from .text import http_url, one_line

#: A class per verdict: the stylesheet gives it its glyph and colour.
_CLASS = {"conflict": "vc", "compliant": "vp", "unknown": "vu", "not_applicable": "vn", None: "vx"}

_CSS = (
    """
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
.v,#matrix td[class] summary::before,#matrix td.vx::before{display:inline-block;min-width:1.2em;
text-align:center;color:#fff;border-radius:3px;padding:0 .2em;margin-right:.3em;font-weight:bold}
details[open]{min-width:24rem}details ul{margin:.3rem 0;padding-left:1.1rem;font-weight:normal}
.muted{color:#5f6368;font-weight:normal}.controls{margin:.8rem 0}.controls label{margin-right:1rem}
button.sort{font:inherit;background:none;border:0;padding:0;cursor:pointer;text-decoration:underline}
.timeline{width:100%}.timeline th[scope=row]{white-space:normal;width:20rem}
.timeline td{white-space:normal}.timeline td:nth-child(3){white-space:nowrap}
.scroll{overflow-x:auto;max-width:100%}
#matrix td{white-space:nowrap}#matrix details[open]>*{white-space:normal}
caption{text-align:left;caption-side:top;padding:.3rem 0}
""".strip()
    + "\n"
    # The glyph is decoration beside the word: the second declaration hides it from screen
    # readers where browsers know the alternative-text syntax; the first is for those that don't.
    + "\n".join(
        f"#matrix td.{cls}{' summary' if v is not None else ''}::before{{content:"
        f'"{GLYPHS[v][0]}";content:"{GLYPHS[v][0]}"/"";background:{COLOURS[v]}}}'
        for v, cls in _CLASS.items()
    )
)

_SCRIPT = r"""
(function(){
  var table=document.getElementById('matrix');if(!table){return;}
  var body=table.tBodies[0];
  var D=JSON.parse(document.getElementById('matrix-data').textContent);
  var WORDS=D.words;
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
  function compare(x,y){
    var a=x.split(' '),b=y.split(' ');
    for(var i=0;i<Math.max(a.length,b.length);i++){
      var p=a[i]||'',q=b[i]||'',np=Number(p),nq=Number(q);
      if(p!==''&&q!==''&&!isNaN(np)&&!isNaN(nq)){if(np!==nq){return np-nq;}}
      else if(p!==q){return p<q?-1:1;}
    }
    return 0;
  }
  function sortBy(button){
    var key=button.getAttribute('data-key');
    var ths=table.querySelectorAll('thead th[aria-sort]');
    var dir=button.parentNode.getAttribute('aria-sort')==='ascending'?'descending':'ascending';
    Array.prototype.forEach.call(ths,function(th){th.setAttribute('aria-sort','none');});
    button.parentNode.setAttribute('aria-sort',dir);
    var sign=dir==='ascending'?1:-1;
    rows().sort(function(a,b){
      return sign*compare(a.getAttribute('data-'+key),b.getAttribute('data-'+key));
    }).forEach(function(r){body.appendChild(r);});
  }
  function el(tag,text){var e=document.createElement(tag);if(text){e.textContent=text;}return e;}
  function badge(v){
    var b=el('span',D.glyphs[v]);b.className='v';b.style.background=D.colours[v];
    b.setAttribute('aria-hidden','true');return b;
  }
  function cites(parent,index){
    D.c[index].forEach(function(c,n){
      if(n){parent.appendChild(document.createTextNode('; '));}
      parent.appendChild(document.createTextNode(c[0]+(c[1]?', '+c[1]:'')+': '));
      var url=c[2];
      if(url&&/^https?:\/\//i.test(url)){
        var a=el('a',url);a.href=url;a.rel='noopener noreferrer';parent.appendChild(a);
      }else{parent.appendChild(document.createTextNode(c[3]||'(no address)'));}
      if(c[4]){parent.appendChild(document.createTextNode(' ['+c[4]+']'));}
    });
  }
  function finding(i){
    var f=D.f[i],li=el('li');
    li.appendChild(badge(f[0]));li.appendChild(document.createTextNode(' '));
    li.appendChild(el('strong',WORDS[f[0]]+f[1]));
    li.appendChild(document.createTextNode(': '+f[2]+' ('+f[3]+')'));
    li.appendChild(el('br'));
    li.appendChild(document.createTextNode(D.s[f[4]]));
    if(f[5]){li.appendChild(el('br'));li.appendChild(document.createTextNode('policy: '));
      li.appendChild(el('code',f[5]));}
    if(f[6]>=0){li.appendChild(el('br'));
      li.appendChild(document.createTextNode('policy text: '));cites(li,f[6]);}
    if(f[7]>=0){li.appendChild(el('br'));
      li.appendChild(document.createTextNode('the authority cites: '));cites(li,f[7]);}
    return li;
  }
  function fill(d){
    var td=d.parentNode,b=D.b[Number(td.getAttribute('data-b'))];
    d.setAttribute('data-filled','');
    d.appendChild(el('p',b[0]));
    if(b[1]){d.appendChild(el('p',b[1]+' provisions unknown.'));}
    if(b[2]){d.appendChild(el('p',b[2]));}
    var ul=el('ul');b[3].forEach(function(i){ul.appendChild(finding(i));});d.appendChild(ul);
  }
  table.addEventListener('toggle',function(e){
    var d=e.target;
    if(d.tagName==='DETAILS'&&d.open&&!d.hasAttribute('data-filled')){fill(d);}
  },true);
  table.addEventListener('mouseover',function(e){
    var td=e.target.closest?e.target.closest('td[class]'):null;
    if(!td||td.title){return;}
    var tr=td.parentNode,col=document.getElementById('c'+(td.cellIndex-3));
    var s=td.querySelector('summary'),k=s?s.getAttribute('aria-describedby'):null;
    td.title=tr.cells[0].textContent+', '+(col?col.getAttribute('aria-label'):'')+': '+
      (s?s.textContent:td.textContent)+(k?'; '+document.getElementById(k).textContent:'');
  });
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


def _script_json(value: Any) -> str:
    """JSON to embed in a ``<script type="application/json">``: nothing in it can close the
    element or start markup (``<``, ``>``, ``&`` and ``'`` become escapes JSON reads back)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        text = text.replace(ch, esc)
    return text


class _Details:
    """What the cells show when opened, each distinct piece once: citation lists, messages,
    findings, and the cells' blocks (determination, unknowns, binding, findings)."""

    def __init__(self, matrix: dict[str, Any]) -> None:
        self.texts: list[str] = matrix.get("finding_texts", [])
        self.cites: list[list[list[Any]]] = []
        self.strings: list[str] = []
        self.findings: list[list[Any]] = []
        self.blocks: list[list[Any]] = []
        self._cites: dict[str, int] = {}
        self._strings: dict[str, int] = {}
        self._findings: dict[str, int] = {}
        self._by_ref: dict[int, int] = {}
        self._blocks: dict[tuple[Any, ...], int] = {}

    def _string(self, text: str) -> int:
        found = self._strings.get(text)
        if found is None:
            found = self._strings[text] = len(self.strings)
            self.strings.append(text)
        return found

    def _cite_list(self, citations: list[dict[str, Any]]) -> int:
        if not citations:
            return -1
        items = [
            [
                one_line(c["instrument"]),
                one_line(c["section"]) if c.get("section") else "",
                http_url(c.get("url")),  # None unless plainly http(s): then never a link
                one_line(c["url"]) if c.get("url") else "",
                one_line(c["quality"]) if c.get("quality") else "",
            ]
            for c in citations
        ]
        key = json.dumps(items)
        found = self._cites.get(key)
        if found is None:
            found = self._cites[key] = len(self.cites)
            self.cites.append(items)
        return found

    def _finding(self, ref: int) -> int:
        """The index of a finding as the page shows it (-1: not shown). Findings that differ
        only in what the page does not show (the rule's id, the confidence) are one."""
        found = self._by_ref.get(ref)
        if found is not None:
            return found
        f = json.loads(self.texts[ref])
        if f["verdict"] == "not_applicable":  # the cell says how many; no need to list them
            self._by_ref[ref] = -1
            return -1
        kind = ""
        if f["verdict"] in ("conflict", "compliant"):
            recorded = f"recorded: {one_line(f['determination'])}"
            kind = " (projection)" if f["projection"] else f" ({recorded})"
        text = f["message"]
        if f.get("reason") and f["reason"] != f["message"]:
            text += f" ({f['reason']})"
        record = [
            f["verdict"],
            kind,
            one_line(f["provision"]),
            one_line(f["question"]),
            self._string(one_line(text)),
            one_line(f["policy_location"]) if f.get("policy_location") else "",
            self._cite_list(f.get("policy_citations") or []),
            self._cite_list(f.get("citations") or []),
        ]
        key = json.dumps(record)
        found = self._findings.get(key)
        if found is None:
            found = self._findings[key] = len(self.findings)
            self.findings.append(record)
        self._by_ref[ref] = found
        return found

    def block(self, cell: dict[str, Any], column: dict[str, Any], name: str) -> int:
        if cell["determination"] is not None:
            first = "Recorded determination: " + determination_text(cell)
        else:
            first = (
                "No recorded determination of this authority: the verdict is the tool's projection."
            )
        if column.get("lens") != "law":
            binding = (
                "An enforcement-lens authority: what the executive says it will act on, not law."
            )
        elif not_binding(cell, column):
            binding = f"This authority does not bind {one_line(name)} as law."
        elif cell["binding"]:
            binding = f"This authority binds {one_line(name)} as law."
        else:
            binding = ""
        refs = [i for i in map(self._finding, cell["findings"]) if i >= 0]
        key = (first, cell["unknown_provisions"], binding, tuple(refs))
        found = self._blocks.get(key)
        if found is None:
            found = self._blocks[key] = len(self.blocks)
            self.blocks.append([one_line(first), cell["unknown_provisions"], binding, refs])
        return found

    def data(self) -> dict[str, Any]:
        return {
            "words": {k: v for k, v in WORDS.items() if k is not None},
            "glyphs": {k: GLYPHS[k][0] for k in WORDS if k is not None},
            "colours": {k: COLOURS[k] for k in WORDS if k is not None},
            "c": self.cites,
            "s": self.strings,
            "f": self.findings,
            "b": self.blocks,
        }


def _mark_words(mark_text: str) -> str:
    meaning = dict(LEGEND)
    return "; ".join(meaning[m].split(":")[0] for m in mark_text)


def _counts(row: dict[str, Any], lens: str) -> tuple[str, str]:
    """The row's provisions in conflict under one lens: as shown (day by day) and as sorted
    (the last day first)."""
    counts = row["provisions_in_conflict"][lens]
    return " ".join(map(str, counts)), " ".join(map(str, reversed(counts)))


def _matrix(matrix: dict[str, Any], details: _Details, described: dict[str, str]) -> Iterator[str]:
    cols = matrix["columns"]
    order = [i for _, idx in groups(matrix) for i in idx]
    years = matrix["mode"] == "years"
    per_day = " (each year)" if years else ""
    yield "<div class=scroll role=region aria-labelledby=matrix-caption tabindex=0>"
    yield "<table id=matrix>"
    yield (
        f"<caption id=matrix-caption>{h(_title(matrix))}: one authority's jurisdiction-level "
        "verdict per cell. Open a cell for its findings and citations.</caption><thead>"
    )
    if years:
        head = ["<tr><td></td><td></td><td></td>"]
        for name, idx in groups(matrix):
            head.append(
                f"<th scope=colgroup colspan={len(idx)}>{h(name)}<br>"
                f"<span class=muted>{h(column_kind(cols[idx[0]]))}</span></th>"
            )
        yield "".join(head) + "</tr>"
    head = [
        "<tr><th scope=col aria-sort=none><button class=sort data-key=name type=button>"
        "jurisdiction</button></th>",
        "<th scope=col aria-sort=none><button class=sort data-key=law type=button>law: "
        f"provisions in conflict{per_day}</button></th>",
        "<th scope=col aria-sort=none><button class=sort data-key=enforcement type=button>"
        f"enforcement: provisions in conflict{per_day}</button></th>",
    ]
    for i in order:
        c = cols[i]
        full = f"{c['authority']} ({column_kind(c)}) as of {c['as_of']}"
        label = h(column_label(matrix, c))
        if not years:
            label += f"<br><span class=muted>{h(column_kind(c))}</span>"
        head.append(f'<th scope=col id=c{i} aria-label="{h(full)}">{label}</th>')
    yield "".join(head) + "</tr></thead><tbody>"
    for r in matrix["rows"]:
        verdicts = " ".join(sorted({c["verdict"] or "none" for c in r["cells"]}))
        law_shown, law_key = _counts(r, "law")
        enf_shown, enf_key = _counts(r, "enforcement")
        parts = [
            f'<tr data-name="{h(r["name"].casefold())} {h(r["id"])}" data-law="{law_key}" '
            f'data-enforcement="{enf_key}" data-verdicts="{h(verdicts)}">'
            f"<th scope=row>{h(r['name'])} <span class=muted>({h(r['id'])}, "
            f"{h(r['state'])})</span></th><td>{law_shown}</td><td>{enf_shown}</td>"
        ]
        for i in order:
            cell, column = r["cells"][i], cols[i]
            v = cell["verdict"]
            if v is None:
                parts.append(f"<td class=vx>{h(WORDS[v])}</td>")
                continue
            mark = marks(cell, column)
            describe = ""
            if mark:
                ident = described.setdefault(mark, f"k{len(described)}")
                describe = f" aria-describedby={ident}"
            b = details.block(cell, column, r["name"])
            parts.append(
                f"<td class={_CLASS[v]} data-b={b}><details><summary{describe}>"
                f"{h(WORDS[v])}{h(mark)}</summary></details></td>"
            )
        yield "".join(parts) + "</tr>\n"
    yield "</tbody></table></div>"


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


def render(matrix: dict[str, Any], style: Style) -> Iterator[str]:
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
    lenses = "".join(
        f"<li><strong>{h(LENS_WORDS[lens])}</strong>: {h(words)}</li>"
        for lens, words in (
            ("law", "the statute as read by the courts that bind the jurisdiction"),
            (
                "enforcement",
                "what the executive says it will act on (agency positions, grant conditions, "
                "executive orders); it never controls what a statute means",
            ),
        )
    )
    options = "".join(
        f'<option value="{v}">{h(WORDS[v])}</option>'
        for v in ("conflict", "compliant", "unknown", "not_applicable")
    )
    yield "\n".join(
        [
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
            "authority's reading, not a finding the authority made; a verdict marked # stands "
            "beside what the authority itself determined. The columns are not ranked against "
            "each other: each says what one authority's reading gives, and whether that "
            "authority binds the jurisdiction as law. This is not legal advice.</p>",
            years,
            (
                "<p>Not in force on any day shown, so no column: "
                f"{h(', '.join(matrix['not_in_force']))} (their windows are in the timeline).</p>"
                if matrix["not_in_force"]
                else ""
            ),
            f"<h2>Legend</h2><ul>{legend}</ul><p>Each column's authority is under one of two "
            f"lenses, named in its header:</p><ul>{lenses}</ul><p>{h(LENS_COUNTS)}.</p>",
            "<noscript><p>Without JavaScript the cells show their verdicts and marks only; the "
            "findings and citations behind each are in this page's data, and in the matrix's "
            "JSON export (<code>--format json</code>).</p></noscript>",
            "<div class=controls><label>Find a jurisdiction <input id=filter-text type=search>"
            '</label><label>With a cell that is <select id=filter-verdict><option value="">any '
            f"verdict</option>{options}</select></label><span id=shown role=status></span></div>",
            "",
        ]
    )
    details = _Details(matrix)
    described: dict[str, str] = {}
    yield from _matrix(matrix, details, described)
    # What each combination of marks means, for screen readers (cells refer to it by id).
    yield (
        "<div hidden>"
        + "".join(
            f"<span id={ident}>{h(_mark_words(mark))}</span>" for mark, ident in described.items()
        )
        + "</div>\n"
    )
    yield "\n".join(_timeline(matrix)) + "\n"
    if matrix["errors"]:
        yield (
            "<h2>Files that could not be evaluated</h2><ul>"
            + "".join(
                f"<li><code>{h(e['path'])}:{h(e['line'])}:{h(e['column'])}</code>: "
                f"{h(e['message'])} [{h(e['code'])}]</li>"
                for e in matrix["errors"]
            )
            + "</ul>\n"
        )
    yield '<script type="application/json" id=matrix-data>{'
    # Key by key, so that the largest tables are never one string beside their encoding.
    for n, (key, value) in enumerate(details.data().items()):
        yield ("," if n else "") + f'"{key}":' + _script_json(value)
    yield "}"
    yield f"</script>\n<script>{_SCRIPT}</script></body></html>\n"
