"""Ids are pinned by ids.lock; rebuilding is deterministic."""

from __future__ import annotations

import re

import pytest
from plugins.raw_articles import CJRB

from briefbook.corpus import clean
from briefbook.corpus.store import (LOCK_FILE, Rules, build_corpus, corpus_json, read_lock,
                                    render_lock)
from briefbook.core.errors import BriefbookError


def test_two_rebuilds_are_identical(seed_dir) -> None:
    first, second = build_corpus(seed_dir), build_corpus(seed_dir)
    assert first is not second
    assert corpus_json(first) == corpus_json(second)
    assert first == second


def test_rebuild_of_a_copy_is_identical(seed_dir, corpus_copy) -> None:
    assert corpus_json(build_corpus(seed_dir)).replace(str(seed_dir), "") == \
        corpus_json(build_corpus(corpus_copy)).replace(str(corpus_copy), "")


def test_committed_lock_matches_the_build(seed_dir) -> None:
    corpus = build_corpus(seed_dir, check=False)
    assert (seed_dir / LOCK_FILE).read_text(encoding="utf-8") == render_lock(list(corpus.articles))


def test_unrelated_rule_change_keeps_ids(seed_dir) -> None:
    # a new debris rule that matches nothing in the seeds: ids and the lock check still hold
    rules = Rules(debris=clean.DEBRIS_RULES + (("ad", re.compile(r"^广告$")),))
    assert corpus_json(build_corpus(seed_dir, rules)) == corpus_json(build_corpus(seed_dir))


def test_rule_change_that_would_re_point_ids_fails_loudly(seed_dir) -> None:
    # a (bad) rule that drops cjrb's first body paragraph would shift s1/p2 → s1/p1 …
    rules = Rules(debris=clean.DEBRIS_RULES + (("bad", re.compile(r"^去年3月10日")),))
    with pytest.raises(BriefbookError) as err:
        build_corpus(seed_dir, rules)
    assert f"{CJRB}/s1/p2 would move from L13 to L14" in str(err.value)
    assert "s1/p4 (locked at L15) no longer exists" in str(err.value)
    assert "ids.lock" in err.value.hint


def test_rule_change_that_splits_a_section_fails(seed_dir) -> None:
    # treating the reporters' line as text adds a paragraph: a new id is not silently accepted
    rules_text = Rules(debris=tuple((n, p) for n, p in clean.DEBRIS_RULES if n != "editor"))
    with pytest.raises(BriefbookError, match="is new and not in the lock"):
        build_corpus(seed_dir, rules_text)


def test_punctuation_only_changes_do_not_touch_the_lock(corpus_copy) -> None:
    # anchors are raw lines, so a text change inside a paragraph keeps every id valid
    lock = read_lock(corpus_copy / LOCK_FILE)
    assert lock[f"{CJRB}/s3/p2"] == "L30"
    assert all(re.fullmatch(r"L\d+(-\d+)?", a) for a in lock.values())


def test_missing_lock_is_an_error(corpus_copy) -> None:
    (corpus_copy / LOCK_FILE).unlink()
    with pytest.raises(BriefbookError, match="lock is missing"):
        build_corpus(corpus_copy)


def test_build_one_builds_only_that_article(seed_dir, monkeypatch):
    from briefbook.corpus import store

    expected = next(b for b in store.build_all(seed_dir) if b.article.id == "hbrb-2020-06-29")
    calls = []
    real = store.build_article
    monkeypatch.setattr(store, "build_article", lambda entry, *a, **kw: calls.append(entry.id) or
                        real(entry, *a, **kw))
    build = store.build_one(seed_dir, "hbrb-2020-06-29")
    assert calls == ["hbrb-2020-06-29"]
    assert build == expected
    with pytest.raises(BriefbookError) as info:
        store.build_one(seed_dir, "hbrb-2020-06-30")
    assert "hbrb-2020-06-29" in info.value.hint
