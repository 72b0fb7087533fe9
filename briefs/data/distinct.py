"""A column's work done once per distinct value it holds, then handed to every row.

A national kepesertaan has 3 million rows but only 12 periods, 3 segments, ~83.000 codes
and a few thousand distinct counts. Reading a cell (`schema.plain`, a count's pattern, a
pattern check) depends on the cell's text alone, so the same function over the distinct
values, spread back by each row's number, gives every row exactly what a row-by-row loop
would, in a fraction of the time. Columns the fast CSV reader returns are categorical
(each distinct text stored once); any other column is numbered here (`pandas.factorize`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd


def codes(cells: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's number in a table of distinct values, and that table (object values).

    A missing cell (NaN, None) has a number too: the last value of the table is then missing.
    """
    if isinstance(cells.dtype, pd.CategoricalDtype):
        numbers = cells.cat.codes.to_numpy().astype(np.intp, copy=False)
        values = cells.cat.categories.to_numpy(dtype=object)
    else:
        numbers, values = pd.factorize(cells.to_numpy(dtype=object), use_na_sentinel=True)
        values = np.asarray(values, dtype=object)
    if (numbers < 0).any():
        numbers = np.where(numbers < 0, len(values), numbers)
        values = np.append(values, np.array([np.nan], dtype=object))
    return numbers, values


def categorical(cells: np.ndarray) -> pd.Categorical:
    """Text cells as a categorical: each distinct text once, in order of first appearance.

    Numbered by hashing (`pandas.factorize`), never sorted: sorting millions of distinct texts
    (a column of unique values) costs far more than reading them. Missing cells stay missing.
    """
    numbers, values = pd.factorize(cells)
    return pd.Categorical.from_codes(numbers, categories=pd.Index(values, dtype=object))


def apply(cells: pd.Series, function: Callable[[pd.Series], pd.Series | np.ndarray]) -> np.ndarray:
    """`function` (text of several cells -> one result each) over the distinct values; one result per row."""
    numbers, values = codes(cells)
    return np.asarray(function(pd.Series(values, dtype=object)))[numbers]


def rows_where(numbers: np.ndarray, flagged: np.ndarray) -> np.ndarray:
    """Positions of the rows whose distinct value is flagged, in row order."""
    if not flagged.any():
        return np.empty(0, dtype=np.intp)
    return np.flatnonzero(flagged[numbers])
