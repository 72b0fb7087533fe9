"""What WeasyPrint 70's tagged PDF leaves out, added so a screen reader reads a brief right.

With `pdf/a-2a` WeasyPrint builds the structure tree from the HTML: headings, paragraphs,
lists, tables with TH, `<img>` as /Figure with its `alt`. Four gaps remain, closed here:

- *Cards are pictures of a finding.* A key-figure card is a few lines of text that a
  reader takes in as one statement ("Cakupan: 27,2%, peringkat 3 dari 11 kecamatan").
  The HTML says so with ARIA's `role="img"` and `aria-label` (a screen reader in the
  browser hears the label); WeasyPrint tags only `<img>`/`<svg>` as /Figure. We tag
  `role="img"` the same way, /Figure with /Alt = the label, so PDF and HTML say the same.
  This is the one place we reach inside WeasyPrint's tagger (`_build_box_tree`, checked
  against the pinned 70.0); the rest goes through its public `finisher` hook.
- *Running headers and footers* (CSS margin boxes) are tagged as content whose elements
  hang outside the tree; here they become pagination artifacts, as PDF/UA asks.
- *Table headers by ID*: each TD names its TH by /Headers IDs, but the IDs are object
  numbers (the same in two similar briefs, and the book holds many) and no /IDTree maps
  them. Here they get the document's own prefix and the root an /IDTree. TH gets /Scope
  from the HTML `scope` attribute.
- *A table that continues on the next page is one table.* WeasyPrint builds the tree page
  by page, so each page's part of a long table was a /Table of its own, the header row
  read again before each: a screen reader announced two tables of one. The later parts'
  rows join the first /Table, their cells naming the first part's header cells, and the
  header row repeated on the next page becomes a pagination artifact, as PDF/UA asks.
"""

from __future__ import annotations

import weakref

import pydyf
import weasyprint
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.pdf import tags as _tags

SUPPORTED = "70.0"  # the tagger we amend; another version must be checked before use
NULL = b"null"  # pydyf writes bytes as they are; it has no null of its own
SCOPES = {"row": "/Row", "rowgroup": "/Row", "col": "/Column", "colgroup": "/Column"}


def install() -> None:
    """Amend WeasyPrint's tagger once per process (a fork inherits it)."""
    if getattr(_tags._build_box_tree, "rakor", False):
        return
    if weasyprint.__version__ != SUPPORTED:
        raise RuntimeError(f"briefs.render.weasy_tags is written for WeasyPrint {SUPPORTED}, "
                           f"not {weasyprint.__version__}: check pdf/tags.py before upgrading")
    original = _tags._build_box_tree

    def build_box_tree(box, parent, pdf, page_number, nums, annotations, tags):
        # The original calls itself through this module global: every box passes here.
        for element in original(box, parent, pdf, page_number, nums, annotations, tags):
            _amend(box, element)
            if element["S"] == "/Table" and box.element is not None:  # one per page the table is on
                _TABLES.setdefault(pdf, {}).setdefault(id(box.element), []).append(element)
            yield element

    build_box_tree.rakor = True
    _tags._build_box_tree = build_box_tree


# Each document's /Table elements by the HTML table they tag, in page order, until its finisher.
_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _amend(box, element) -> None:
    if isinstance(box, AbsolutePlaceholder):
        box = box._box
    html = box.element
    if html is None or box.element_tag in ("html", "body"):
        return  # these pass their children's elements through
    label = (html.get("aria-label") or "").strip()
    if html.get("role") == "img" and label and element["S"] not in ("/LI", "/NonStruct"):
        element["S"] = "/Figure"
        element["Alt"] = pydyf.String(label)
        # The same layout box WeasyPrint gives an <img> (its own convention: CSS px from the page's top left)
        x, y = box.border_box_x(), box.border_box_y()
        element["A"] = pydyf.Dictionary(
            {"O": "/Layout", "BBox": pydyf.Array((x, y, x + box.border_width(), y + box.border_height()))})
    elif element["S"] == "/TH" and html.get("scope") in SCOPES:
        element["A"]["Scope"] = SCOPES[html.get("scope")]


def finisher(prefix: str):
    """WeasyPrint's `write_pdf(finisher=...)`: continued tables joined, artifacts for margin boxes and
    repeated table headers, IDs and the IDTree.

    `prefix` makes this document's header IDs its own (the build passes a digest of the HTML).
    """

    def finish(document, pdf) -> None:
        tables = _TABLES.pop(pdf, {})
        ref = pdf.catalog.get("StructTreeRoot")
        if ref is None:  # an untagged variant: nothing to finish
            return
        root = _deref(pdf, ref)
        for first, *later in tables.values():
            for part in later:
                _join_table(pdf, first, part)
        in_tree = _reachable(pdf, root)  # a joined part's repeated header is now outside: an artifact below
        _margins_as_artifacts(pdf, root, in_tree)
        _own_ids(pdf, root, in_tree, prefix)
        keys = _deref(pdf, root["ParentTree"])["Nums"][::2]
        root["ParentTreeNextKey"] = max(keys, default=-1) + 1  # where a tool adding tagged content starts

    return finish


def _deref(pdf, ref: bytes):
    return pdf.objects[int(ref.split()[0])]  # pydyf numbers objects by their index


def _reachable(pdf, root) -> set[int]:
    """Object numbers of every structure element hanging from the root."""
    seen: set[int] = set()
    stack = [int(r.split()[0]) for r in root["K"]]
    while stack:
        number = stack.pop()
        if number in seen:
            continue
        seen.add(number)
        for kid in pdf.objects[number].get("K", ()):
            if isinstance(kid, bytes):  # a reference; integers are marked-content ids
                stack.append(int(kid.split()[0]))
    return seen


def _join_table(pdf, first, part) -> None:
    """Move the rows of `part` (a later page's /Table of the same HTML table) into `first`.

    Its header row, repeated on that page, and the wrappers left empty leave the tree; the
    moved cells' /Headers name `first`'s header cells instead, column by column. A part
    whose header does not match `first`'s column for column stays a table of its own.
    """
    heads = [[kid for kid in _kids(pdf, table) if kid["S"] == "/THead"] for table in (first, part)]
    if len(heads[1]) > 1 or (heads[1] and len(heads[0]) != 1):
        return
    renamed = {}
    if heads[1]:
        cells = [[cell for row in _kids(pdf, head[0]) for cell in _kids(pdf, row) if cell["S"] == "/TH"]
                 for head in heads]
        if len(cells[0]) != len(cells[1]) or not all("ID" in cell for pair in cells for cell in pair):
            return
        renamed = {later["ID"].string: earlier["ID"] for earlier, later in zip(*cells)}
    for kid in _kids(pdf, part):
        if kid["S"] == "/THead":
            continue
        kid["P"] = first.reference
        first["K"].append(kid.reference)
        for element in _descendants(pdf, kid):
            attributes = element.get("A")
            if isinstance(attributes, dict) and "Headers" in attributes:
                attributes["Headers"] = pydyf.Array(renamed.get(h.string, h) for h in attributes["Headers"])
    _detach(pdf, part)


def _kids(pdf, element) -> list:
    """The structure elements directly under `element` (not its marked content or annotations)."""
    kids = [_deref(pdf, kid) for kid in element.get("K", ()) if isinstance(kid, bytes)]
    return [kid for kid in kids if kid.get("Type") == "/StructElem"]


def _descendants(pdf, element):
    yield element
    for kid in _kids(pdf, element):
        yield from _descendants(pdf, kid)


def _detach(pdf, element) -> None:
    """Take `element` out of its parent's kids, and the parent out of its own once it has none."""
    parent = _deref(pdf, element["P"])
    parent["K"] = pydyf.Array(kid for kid in parent["K"] if kid != element.reference)
    if not parent["K"] and parent.get("Type") == "/StructElem" and parent["S"] != "/Document":
        _detach(pdf, parent)


def _margins_as_artifacts(pdf, root, in_tree: set[int]) -> None:
    """Content whose element is outside the tree (margin boxes) becomes /Artifact /Pagination.

    A page's ParentTree entry lists one element per marked-content id, in id order; the
    orphans' entries become null and their `/Span <</MCID n>> BDC` an artifact, so the
    running header, footer and page number are no longer content without a place.
    """
    nums = _deref(pdf, root["ParentTree"])["Nums"]
    by_key = {nums[i]: nums[i + 1] for i in range(0, len(nums), 2)}
    for number in pdf.pages["Kids"][::3]:  # pydyf keeps Kids as number, 0, 'R'
        page = pdf.objects[number]
        elements = by_key.get(page.get("StructParents"))
        if not isinstance(elements, list):
            continue
        orphans = set()
        for mcid, ref in enumerate(elements):
            if isinstance(ref, bytes) and ref != NULL and int(ref.split()[0]) not in in_tree:
                orphans.add(mcid)
                elements[mcid] = NULL
        if orphans:
            _mark_artifacts(_deref(pdf, page["Contents"]).stream, orphans)


def _mark_artifacts(operations: list, mcids: set[int]) -> None:
    """Rewrite `/Tag <</MCID n>> BDC` for `mcids` in a pydyf stream's operation list."""
    for i, item in enumerate(operations):
        if isinstance(item, pydyf.Dictionary) and item.get("MCID") in mcids and operations[i + 1] == b"BDC":
            operations[i - 1] = "/Artifact"
            operations[i] = pydyf.Dictionary({"Type": "/Pagination"})


def _own_ids(pdf, root, in_tree: set[int], prefix: str) -> None:
    """Prefix every header ID and its /Headers uses; map the IDs in the root's /IDTree."""
    ids = []
    for number in in_tree:
        element = pdf.objects[number]
        if "ID" in element:
            element["ID"] = pydyf.String(f"{prefix}-{element['ID'].string}")
            ids.append((element["ID"].string, element.reference))
        headers = element.get("A", {}).get("Headers") if isinstance(element.get("A"), dict) else None
        if headers:
            element["A"]["Headers"] = pydyf.Array(pydyf.String(f"{prefix}-{h.string}") for h in headers)
    if ids:
        names = pydyf.Array()
        for key, ref in sorted(ids):
            names.extend((pydyf.String(key), ref))
        root["IDTree"] = pydyf.Dictionary({"Names": names})
