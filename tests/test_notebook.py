"""orgsim in a notebook: any date object, short reprs, one frame and graph vocabulary, the public API."""

import datetime
import os

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import orgsim
from orgsim import STATUS_DTYPE, History, load, load_scenario


@pytest.fixture(scope="module")
def h():
    return load()


@pytest.mark.parametrize("value", [
    datetime.date(2009, 6, 14), pd.Timestamp("2009-06-14"), datetime.datetime(2009, 6, 14, 18, 30),
    np.datetime64("2009-06-14"), pd.Timestamp("2009-06-14").to_datetime64(), "2009-06-14T00:00:00",
], ids=repr)
def test_at_takes_every_date_object_a_notebook_holds(h, value):
    """Must show: h.at(datetime.date(2009, 6, 14)) and h.at(pd.Timestamp("2009-06-14")) equal h.at("2009-06-14")."""
    assert h.at(value) == h.at("2009-06-14")
    assert h.at(value).at.text == "2009-06-14"


def test_every_date_argument_takes_date_objects(h):
    """events(), members_at(), memberships_at() and graph() take the same objects as at()."""
    assert h.events(datetime.date(1999, 1, 1), pd.Timestamp("2002-12-31")) == h.events("1999-01-01", "2002-12-31")
    assert h.members_at(np.datetime64("2013-01-01")) == h.members_at("2013")
    assert h.memberships_at(pd.Timestamp("2013")).equals(h.memberships_at("2013-01-01"))
    assert set(h.graph(datetime.date(2009, 6, 14)).nodes) == set(h.at("2009-06-14").graph().nodes)


def test_reprs_are_short_and_every_object_has_an_html_repr(h):
    """Must show: len(repr(h.log)) < 300; History, State, Log, Branch and Ensemble print in a line and as HTML."""
    from orgsim import build_branch, prepare, run_ensemble

    branch = build_branch(load_scenario(os.path.join(os.path.dirname(__file__), "..", "scenarios",
                                                     "uzbekistan-signs-1999.yaml")))
    ensemble = run_ensemble(prepare(load_scenario(os.path.join(os.path.dirname(__file__), "..", "scenarios",
                                                                "future-2030.yaml"))), 2, seed=1)
    assert len(repr(h.log)) < 300
    for obj in (h, h.at("2009"), h.log, branch, ensemble):
        text, markup = repr(obj), obj._repr_html_()
        assert len(text) < 300 and "\n" not in text, text
        assert markup.startswith("<div>") and len(markup) < 5000, type(obj)


def test_history_and_state_share_one_frame_and_graph_vocabulary(h):
    """to_frame() and graph() mean the same on History and State; statuses have one categorical dtype."""
    s = h.at("2009-06-14")
    intervals, now = h.to_frame(), s.to_frame()
    for df in (intervals, now, h.memberships_at("2009-06-14"), s.to_frame("members")):
        assert df["status"].dtype == STATUS_DTYPE
    assert {"org", "member", "status", "start", "end"} <= set(intervals.columns)
    assert pd.api.types.is_datetime64_any_dtype(intervals["start"]) and pd.api.types.is_datetime64_any_dtype(
        intervals["end"])
    assert pd.api.types.is_datetime64_any_dtype(now["since_day"])
    assert isinstance(h.graph(), nx.DiGraph) and isinstance(s.graph(), nx.DiGraph)
    assert set(s.graph().edges) == set(h.graph("2009-06-14").edges)


def test_event_frames_have_datetime64_days_and_list_valued_actors(h):
    """events: first_day is datetime64 and actors a list, ready for explode()."""
    df = h.to_frame("events")
    assert pd.api.types.is_datetime64_any_dtype(df["first_day"])
    assert df.loc[df.id == "cst-signed-1992", "actors"].iloc[0] == ["ARM", "KAZ", "KGZ", "RUS", "TJK", "UZB"]
    assert len(df.explode("actors")) > len(df)


def test_ensemble_frames_are_indexed_by_dates():
    """An ensemble's frames have a DatetimeIndex, so pandas resamples and plots them as time series."""
    from orgsim import prepare, run_ensemble

    ens = run_ensemble(prepare(load_scenario(os.path.join(os.path.dirname(__file__), "..", "scenarios",
                                                           "future-2030.yaml"))), 2, seed=1)
    for frame in (ens.members_frame(), ens.membership_frame(), ens.bodies_frame(), ens.forces_frame()):
        assert isinstance(frame.index, pd.DatetimeIndex) and frame.index.name == "date"
    assert list(ens.to_dict()["members"])[0] == "2019-05-01"


def test_the_fast_path_answers_as_the_state_does(h):
    """members_at (the index) gives the same members, in the same order, as at().members() on every event date."""
    for d in h.event_dates():
        state = h.at(d)
        reference = {k[2]: f.value for k, f in state.facts.items() if k[:2] == ("member", h.org)}
        assert h.members_at(d) == reference, d.text
        # With its answers, the fast path lists every status that may hold, as State.members does.
        answered = {(i, st, m) for i, pairs in h.members_at(d, answers=True).items() for st, m in pairs}
        assert answered == {(m["id"], m["status"], m["modality"]) for m in state.members()}, d.text


def test_the_public_api_is_importable_from_orgsim_and_typed():
    """Everything a notebook needs comes from `orgsim`, and the package says it is typed (py.typed)."""
    for name in orgsim.__all__:
        assert getattr(orgsim, name) is not None, name
    assert orgsim.History is History
    assert os.path.exists(os.path.join(os.path.dirname(orgsim.__file__), "py.typed"))
