"""The book's structure tree: every part's tags, under one root, on the book's own pages.

Copying a part's pages into the book leaves its structure tree behind (it hangs from the
part's catalog, not from its pages), and a tagged page without its tree is text without
order or meaning to a screen reader. So each part's tree follows its pages: qpdf copies
foreign objects through one map per source file, and when the tree is copied *after* the
pages, every /Pg and every annotation it names is already the book's copy. What qpdf
cannot know is renumbered here: the ParentTree keys (each page's /StructParents, each
annotation's /StructParent), which start at 0 in every part. The book's /Document (the
front matter's, from WeasyPrint) holds the cover and contents, then one /Part per part,
titled with its name; header IDs (already unique per part, `weasy_tags`) go into one /IDTree.
"""

from __future__ import annotations

import pikepdf
from pikepdf import Array, Dictionary, Name


class BookTree:
    """The structure tree of a book being assembled: `add` each part after its pages."""

    def __init__(self, book: pikepdf.Pdf, pages: list[pikepdf.Object], *, n_front: int, n_pages: int):
        """`pages`: the book's page objects (pikepdf walks the whole page list for every
        `book.pages[i]`), the first `n_front` the front matter's, whose tree is the book's
        own; the list grows as parts are appended, `add` reading each part's pages from it.
        `n_pages`: the book's final number of pages, known before its parts are in."""
        self.book = book
        self.pages = pages
        self.root = book.Root.StructTreeRoot  # the front matter is ours: always tagged
        self.document = _kids(self.root)[0]
        self.parent_tree = pikepdf.NumberTree.new(book)
        self.next_key = n_pages  # page i has key i; annotations are numbered after all pages
        self.ids = pikepdf.NameTree.new(book)
        self.role_map: dict[str, pikepdf.Object] = {}
        self._adopt(self.root, first=0, count=n_front)

    def add(self, source: pikepdf.Pdf, *, first: int, title: str) -> None:
        """Bring `source`'s tree into the book; its pages are already `book.pages[first:]`."""
        if "/StructTreeRoot" not in source.Root:
            return  # an untagged part (the Quarto engine's): its pages come without a tree
        tree = self.book.copy_foreign(source.Root.StructTreeRoot)
        self._adopt(tree, first=first, count=len(source.pages))
        self.document.K.append(self._part(tree, title))

    def finish(self) -> None:
        """Replace the front matter's own maps with the whole book's."""
        self.root.ParentTree = self.parent_tree.obj
        self.root.ParentTreeNextKey = self.next_key
        if len(self.ids):
            self.root.IDTree = self.ids.obj
        if self.role_map:
            self.root.RoleMap = Dictionary(self.role_map)

    def _adopt(self, tree: pikepdf.Object, *, first: int, count: int) -> None:
        """Renumber the pages and annotations of one tree into the book's ParentTree."""
        old = pikepdf.NumberTree(tree.ParentTree) if "/ParentTree" in tree else {}
        for number in range(first, first + count):
            page = self.pages[number]
            if "/StructParents" in page:
                key = int(page.StructParents)
                page.StructParents = number
                if key in old:
                    self.parent_tree[number] = old[key]
            for annot in page.get("/Annots", ()):
                if "/StructParent" in annot:
                    key = int(annot.StructParent)
                    annot.StructParent = self.next_key
                    if key in old:
                        self.parent_tree[self.next_key] = old[key]
                    self.next_key += 1
        if "/IDTree" in tree:
            for name, element in pikepdf.NameTree(tree.IDTree).items():
                if name not in self.ids:  # the same part twice: its IDs are already mapped
                    self.ids[name] = element
        for role, standard in tree.get("/RoleMap", Dictionary()).items():
            self.role_map.setdefault(role, standard)

    def _part(self, tree: pikepdf.Object, title: str) -> pikepdf.Object:
        """The part's /Document retagged /Part (or a /Part around its top elements)."""
        kids = _kids(tree)
        if len(kids) == 1 and kids[0].get("/S") == Name.Document:
            part = kids[0]
            part.S = Name.Part
        else:
            part = self.book.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Part, K=Array(kids)))
            for kid in kids:
                kid.P = part
        part.P = self.document
        part.T = pikepdf.String(title)
        return part


def _kids(tree: pikepdf.Object) -> list[pikepdf.Object]:
    kids = tree.K
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]
