"""Stage 5, release: the run's pages in, `outputs/<meeting>/` out, whole or not at all.

`assemble` writes the index, data report, book (`book`), zip (`bundle`) and manifest
(with `provenance`) into a staging folder; `publish` swaps it into place by rename.
`signing` signs a published release's manifest for those who check who built it.
"""
