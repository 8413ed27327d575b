import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from rankandfile.bulletin import selectors, services
from rankandfile.testing import SmallOrg


def test_it_founds_a_caucus_with_its_founder_as_first_member(org: SmallOrg) -> None:
    caucus = services.caucus_create(actor=org.alice, unit=org.leeds, name="Reform Caucus", statement="Reform.")
    assert [m.member for m in selectors.caucus_members(caucus)] == [org.alice]


def test_it_refuses_a_caucus_without_a_statement_or_by_a_duplicate_name_or_an_outsider(org: SmallOrg) -> None:
    with pytest.raises(ValidationError):
        services.caucus_create(actor=org.alice, unit=org.leeds, name="Reform", statement=" ")
    services.caucus_create(actor=org.alice, unit=org.leeds, name="Reform", statement="Reform.")
    with pytest.raises(ValidationError):
        services.caucus_create(actor=org.bob, unit=org.leeds, name="Reform", statement="Again.")
    with pytest.raises(PermissionDenied):
        services.caucus_create(actor=org.carol, unit=org.leeds, name="Other", statement="Other.")


def test_it_lets_members_join_and_leave_and_counts_them_over_time(org: SmallOrg) -> None:
    start = timezone.now()
    caucus = services.caucus_create(actor=org.alice, unit=org.leeds, name="Reform", statement="Reform.")
    services.caucus_join(actor=org.bob, caucus=caucus)
    with pytest.raises(ValidationError, match="already"):
        services.caucus_join(actor=org.bob, caucus=caucus)
    with pytest.raises(PermissionDenied):
        services.caucus_join(actor=org.frank, caucus=caucus)
    with time_machine.travel(start + dt.timedelta(days=40)):
        services.caucus_leave(actor=org.bob, caucus=caucus)
        with pytest.raises(ValidationError, match="not a member"):
            services.caucus_leave(actor=org.bob, caucus=caucus)
        services.caucus_join(actor=org.bob, caucus=caucus)  # and back again
        counts = selectors.caucus_counts(caucus)
    assert counts[-1][1] == 2
    assert max(n for _moment, n in counts) == 2
