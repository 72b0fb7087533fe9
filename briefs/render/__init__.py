"""Stage 4, render: an executed notebook in, a self-contained HTML page and its PDF out.

`sanitize` decides what of the notebook reaches the page and says what does not;
`html` frames it with nbconvert and `templates/rakor/`; `weasy` prints it to PDF/A;
`quarto` is the other engine, the Quarto CLI, for those who have it.
"""
