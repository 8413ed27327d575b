"""The one search selector, on whichever database the suite runs (SQLite FTS5, or PostgreSQL full-text search)."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from rankandfile.bulletin import services
from rankandfile.bulletin.search import PAGE_SIZE, Filters, documents_search
from rankandfile.bulletin.tests.helpers import leeds_period, published, submitted
from rankandfile.testing import SmallOrg


@pytest.fixture
def library(org: SmallOrg) -> dict[str, object]:
    period = leeds_period(org)
    rent = published(
        org, period, org.alice, title="Rent strike now", text="Tenants are ready. The rent strike needs a fund."
    )
    fund = published(
        org,
        period,
        org.bob,
        title="A fund first",
        text="Before any strike we should build a strike fund, then talk about rent.",
    )
    other = published(org, period, org.erin, title="Elections", text="Our slate for the steering committee.")
    return {"period": period, "rent": rent, "fund": fund, "other": other}


def ids(query: str, filters: Filters | None = None) -> list[int]:
    return [hit.document.pk for hit in documents_search(query, filters).hits]


def test_it_finds_documents_with_every_word_best_first(library: dict) -> None:
    assert ids("rent strike") == [library["rent"].pk, library["fund"].pk]  # the title match ranks first
    assert ids("slate") == [library["other"].pk]
    assert ids("strike elections") == []


def test_it_stems_words(library: dict) -> None:
    assert library["rent"].pk in ids("striking tenant")


def test_it_highlights_matches_in_snippets_as_plain_text(org: SmallOrg, library: dict) -> None:
    hit = documents_search("fund").hits[0]
    assert any(part.is_match and part.text.lower().startswith("fund") for part in hit.snippet)
    sneaky = published(org, library["period"], org.alice, title="Fund <b>", text="The fund <script>x</script> here.")
    (found,) = [h for h in documents_search("fund here").hits if h.document.pk == sneaky.pk]
    # Plain text (PostgreSQL drops tags from headlines, FTS5 keeps them): the page escapes whatever comes back.
    assert "here" in "".join(p.text for p in found.snippet)


def test_it_filters_by_period_author_caucus_and_date(org: SmallOrg, library: dict) -> None:
    assert ids("strike", Filters(author_id=org.bob.pk)) == [library["fund"].pk]
    assert ids("strike", Filters(period_id=leeds_period(org, title="Another").pk)) == []
    caucus = services.caucus_create(actor=org.alice, unit=org.leeds, name="Tenants", statement="Tenants first.")
    assert ids("strike", Filters(caucus_id=caucus.pk)) == []
    tomorrow = timezone.now() + dt.timedelta(days=1)
    assert ids("strike", Filters(published_from=tomorrow)) == []
    assert len(ids("strike", Filters(published_until=tomorrow))) == 2


def test_it_searches_neither_drafts_nor_submitted_nor_hidden_documents(org: SmallOrg, library: dict) -> None:
    period = library["period"]
    services.document_create(actor=org.alice, period=period, title="Strike draft", text="strike")
    submitted(org, period, org.alice, title="Strike waiting", text="strike")
    services.document_hide(actor=org.dave, document=library["fund"], reason="Names a member's home address.")
    assert ids("strike") == [library["rent"].pk]


def test_it_finds_edited_text_and_survives_operators_and_empty_queries(org: SmallOrg, library: dict) -> None:
    assert documents_search('"strike" OR NEAR(rent) * - ^').hits is not None
    assert documents_search("  ").hits == []
    draft = services.document_create(actor=org.alice, period=library["period"], title="Old", text="old words")
    services.document_edit(actor=org.alice, document=draft, title="Old", text="zebra crossing")
    services.document_submit(actor=org.alice, document=draft)
    assert ids("zebra") == []  # not published yet: the index follows the edit, the filter the status


def test_it_pages_through_results(org: SmallOrg, library: dict) -> None:
    for n in range(PAGE_SIZE):
        published(org, library["period"], org.alice, title=f"Strike {n}", text="strike")
    first, second = documents_search("strike", page=1), documents_search("strike", page=2)
    assert len(first.hits) == PAGE_SIZE and first.has_next
    assert len(second.hits) == 2 and not second.has_next
    assert not {h.document.pk for h in first.hits} & {h.document.pk for h in second.hits}


def test_it_lists_an_author_s_documents_newest_first_without_words(org: SmallOrg, library: dict) -> None:
    assert ids("", Filters(author_id=org.bob.pk)) == [library["fund"].pk]
    assert ids("") == []


def test_it_ranks_only_the_newest_matches_and_says_when_more_match(org: SmallOrg, library: dict) -> None:
    period = library["period"]
    newer = [published(org, period, org.bob, title=f"Note {n}", text="A word on the strike.") for n in range(2)]
    capped = documents_search("strike", candidates=2)
    assert {hit.document.pk for hit in capped.hits} == {d.pk for d in newer}  # "Rent strike now" is older
    assert capped.is_capped and not capped.has_next
    assert documents_search("strike", candidates=3).is_capped  # four match
    every = documents_search("strike", candidates=4)
    assert not every.is_capped
    assert every.hits[0].document.pk == library["rent"].pk  # all four ranked: the title match first
    # A filter applies before the cap: the older matches are reached by narrowing the search.
    narrowed = documents_search("strike", Filters(author_id=org.alice.pk), candidates=2)
    assert [hit.document.pk for hit in narrowed.hits] == [library["rent"].pk]
    assert not narrowed.is_capped


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's storage options (migration 0004)")
def test_it_keeps_the_table_narrow_and_the_pending_list_short_on_postgresql(db: None) -> None:
    with connection.cursor() as cursor:
        names = ["bulletin_document", "bulletin_document_search"]
        cursor.execute("SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s)", [names])
        options = dict(cursor.fetchall())
    assert "toast_tuple_target=128" in options["bulletin_document"]
    assert "gin_pending_list_limit=512" in options["bulletin_document_search"]
