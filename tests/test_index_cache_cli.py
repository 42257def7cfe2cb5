"""The index cache beside a large log is bound to the log's exact bytes: planted, stale or corrupt, it is
rebuilt, never trusted, and never a traceback (issue 14, class 2). Its log hash spares recomputing it."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from orgsim.engine import index_cache

EVENTS = """\
- {id: prt-in, date: "1991", kind: accession, actors: [PRT], target: TA, sources: [{source: notes, line: 2, quote: q, gloss: g}]}
- {id: ita-in, date: "1992", kind: accession, actors: [ITA], target: TA, sources: [{source: notes, line: 3, quote: q, gloss: g}]}
- {id: bel-in, date: "1993", kind: accession, actors: [BEL], target: TA, sources: [{source: notes, line: 4, quote: q, gloss: g}]}
- {id: nld-in, date: "1994", kind: accession, actors: [NLD], target: TA, sources: [{source: notes, line: 5, quote: q, gloss: g}]}
"""


@pytest.fixture
def big_enough(monkeypatch, tmp_path):
    """Cache logs of any size, with this user's key kept in a folder of the test's own."""
    monkeypatch.setattr(index_cache, "MIN_EVENTS", 3)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))


def _members(run, path: str) -> tuple[list[str], str]:
    code, out, err = run("state", "--at", "1995", "--format", "json", "--log", path)
    assert code == 0 and "Traceback" not in err, err
    data = json.loads(out)
    return sorted(m["id"] for m in data["members"]), data["log_hash"]


def test_a_log_edited_in_the_middle_with_the_same_size_and_time_is_not_answered_from_its_cache(
        big_enough, run, write_log):
    """Same size, same modification time, one date changed mid-file: the answer follows the file, not the cache."""
    # Comments of over a MiB around the edit: a check of the file's first and last MiB would not see it.
    pad = "# " + "x" * (3 << 19) + "\n"
    path = write_log(pad + EVENTS.replace("- {id: nld-in", pad + "- {id: nld-in") + pad)
    before, _ = _members(run, path)
    assert "NLD" in before and os.path.exists(path + index_cache.SUFFIX)
    st = os.stat(path)
    with open(path, "r+b") as fh:
        text = fh.read()
        fh.seek(0)
        fh.write(text.replace(b'date: "1994"', b'date: "1996"'))  # NLD joins after the date asked
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(path).st_size == st.st_size and os.stat(path).st_mtime_ns == st.st_mtime_ns
    after, _ = _members(run, path)
    assert "NLD" not in after and "ITA" in after


def test_a_planted_cache_does_not_change_the_members_reported(big_enough, run, write_log, tmp_path, monkeypatch):
    """A cache made elsewhere for the very same bytes, then doctored, is refused: the members are the log's."""
    path = write_log(EVENTS)
    truth, truth_hash = _members(run, path)
    os.unlink(path + index_cache.SUFFIX)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "attacker-cache"))  # the attacker's own key
    _members(run, path)
    with np.load(path + index_cache.SUFFIX, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["actor"] = np.zeros_like(arrays["actor"])  # every membership now names one actor
    with open(path + index_cache.SUFFIX, "wb") as fh:
        np.savez(fh, **arrays)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    assert _members(run, path) == (truth, truth_hash)


@pytest.mark.parametrize("damage", ["random bytes", "truncated", "empty", "positions out of range"])
def test_a_corrupt_cache_is_rebuilt_without_a_traceback(big_enough, run, write_log, damage):
    """Whatever is wrong with the cache file, `state` answers as if there were none, exit 0."""
    path = write_log(EVENTS)
    truth = _members(run, path)
    cache = path + index_cache.SUFFIX
    blob = open(cache, "rb").read()
    if damage == "random bytes":
        blob = os.urandom(len(blob))
    elif damage == "truncated":
        blob = blob[: len(blob) // 2]
    elif damage == "empty":
        blob = b""
    else:  # a well-formed cache with the right key but arrays that point past the log's tables
        with np.load(cache, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        arrays["actor"] = arrays["actor"] + 10_000
        with open(cache, "wb") as fh:
            np.savez(fh, **arrays)
        blob = open(cache, "rb").read()
    with open(cache, "wb") as fh:
        fh.write(blob)
    assert _members(run, path) == truth


def test_the_log_hash_is_computed_once_and_kept_with_the_cache(big_enough, run, write_log, monkeypatch):
    """A second `state --format json` reads the log hash from the cache: no event is written canonically again."""
    from orgsim.events import canonical

    path = write_log(EVENTS)
    first = _members(run, path)
    calls = []
    real = canonical.event_content
    monkeypatch.setattr(canonical, "event_content", lambda ev: calls.append(ev.id) or real(ev))
    assert _members(run, path) == first
    assert calls == []


def test_an_index_built_without_the_cache_leaves_no_file_and_a_cached_one_is_not_rewritten(big_enough, write_log):
    """`FactIndex(log, cache=False)` writes nothing beside the log; the first cached build writes the cache, and
    the next build reads it and leaves the file as it was (same bytes, same modification time)."""
    from orgsim.engine.index import FactIndex
    from orgsim.events import load_log

    path = write_log(EVENTS)
    cache = path + index_cache.SUFFIX
    FactIndex(load_log(path), cache=False)
    assert not os.path.exists(cache)
    first = FactIndex(load_log(path))
    assert first.method == "vector" and os.path.exists(cache)
    before = os.stat(cache).st_mtime_ns, open(cache, "rb").read()
    os.utime(cache, ns=(before[0] - 10**9, before[0] - 10**9))  # a rewrite now would show as a newer time
    again = FactIndex(load_log(path))
    assert (os.stat(cache).st_mtime_ns, open(cache, "rb").read()) == (before[0] - 10**9, before[1])
    assert len(again) == len(first)
