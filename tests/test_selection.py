"""Which kecamatan a build makes, and in which order: the meeting's, whatever `--only` says."""

from __future__ import annotations

import pytest

from briefs import data, params, paths, pipeline


@pytest.fixture(scope="module")
def sample():
    meeting = params.load(paths.DEFAULT_PARAMS)
    return meeting, data.load(meeting)


def test_only_picks_but_does_not_order(sample):
    """The manifest records `--only` sorted; a release built with the names in another order
    must be the same release, or `verify --rebuild` fails on the index and the book."""
    meeting, ds = sample
    one = pipeline._selected(meeting, ds, ["Sitiung", "koto  baru", "Tiumang"])
    other = pipeline._selected(meeting, ds, ["Tiumang", "Koto Baru", "sitiung"])
    assert one == other and len(one) == 3
    everything = pipeline._selected(meeting, ds, [])
    assert one == [c for c in everything if c in one]  # the order of the full build


def test_a_meeting_list_keeps_its_own_order(sample):
    meeting, ds = sample
    listed = meeting.model_copy(update={"kecamatan": ["Tiumang", "Sitiung", "Koto Baru"]})
    order = pipeline._selected(listed, ds, [])
    assert pipeline._selected(listed, ds, ["Koto Baru", "Tiumang"]) == [c for c in order if c != order[1]]
