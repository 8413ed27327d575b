import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from rankandfile.bulletin.domain import rules, search

NOW = dt.datetime(2026, 12, 6, 12, tzinfo=dt.UTC)


def test_it_counts_words_as_a_reader_does() -> None:
    assert rules.word_count("The branch's rent-strike fund: £500, now!") == 6
    assert rules.word_count("") == 0


def test_it_refuses_a_text_over_the_word_limit_and_allows_no_limit() -> None:
    assert rules.word_limit_refusal("one two three", 2) == "The document has 3 words; this period's limit is 2."
    assert rules.word_limit_refusal("one two three", 0) is None


def test_it_closes_submissions_before_responses() -> None:
    closes = {"submissions_close_at": NOW, "responses_close_at": NOW + dt.timedelta(days=5)}
    later = NOW + dt.timedelta(days=1)
    assert rules.submission_refusal(now=later, is_response=False, **closes)
    assert rules.submission_refusal(now=later, is_response=True, **closes) is None
    assert rules.submission_refusal(now=NOW + dt.timedelta(days=6), is_response=True, **closes)


def test_it_gives_one_reply_within_the_days_of_the_answer() -> None:
    answer = rules.Answer(published_at=NOW, already_replied=False)
    assert rules.reply_refusal(now=NOW + dt.timedelta(days=6), answer=answer, reply_days=7) is None
    assert rules.reply_refusal(now=NOW + dt.timedelta(days=8), answer=answer, reply_days=7)
    assert rules.reply_refusal(now=NOW, answer=rules.Answer(NOW, already_replied=True), reply_days=7)
    assert rules.reply_refusal(now=NOW, answer=None, reply_days=7)


def test_it_needs_co_signers_and_a_shown_document_to_publish() -> None:
    assert rules.publication_refusal(cosigners=1, min_cosigners=2, is_hidden=False)
    assert rules.publication_refusal(cosigners=5, min_cosigners=2, is_hidden=True)
    assert rules.publication_refusal(cosigners=2, min_cosigners=2, is_hidden=False) is None


def test_it_counts_caucus_members_over_time() -> None:
    day = dt.timedelta(days=1)
    stretches = [(NOW, None), (NOW, NOW + 10 * day), (NOW + 5 * day, None)]
    counts = rules.members_over_time(stretches, [NOW - day, NOW, NOW + 6 * day, NOW + 11 * day])
    assert [n for _moment, n in counts] == [0, 2, 3, 2]


def test_it_lists_month_starts_then_now() -> None:
    first = dt.datetime(2026, 11, 15, tzinfo=dt.UTC)
    moments = rules.month_starts(first, dt.datetime(2027, 1, 3, tzinfo=dt.UTC))
    assert [m.date().isoformat() for m in moments] == ["2026-12-01", "2027-01-01", "2027-01-03"]


def test_it_reduces_a_query_to_its_words() -> None:
    assert search.query_terms('Rent "strike" OR strike* -fund') == ["rent", "strike", "or", "fund"]
    assert search.fts5_match(["rent", "strike"]) == '"rent" "strike"'


@given(st.text())
def test_it_never_builds_an_fts5_expression_with_a_bare_operator(query: str) -> None:
    for term in search.query_terms(query):
        assert term.isalnum()
    assert len(search.query_terms(query)) <= search.MAX_TERMS


def test_it_splits_a_marked_snippet_into_parts() -> None:
    marked = f"a {search.MARK_START}strike{search.MARK_END} fund <b>"
    parts = search.snippet_parts(marked)
    assert [(p.text, p.is_match) for p in parts] == [("a ", False), ("strike", True), (" fund <b>", False)]
