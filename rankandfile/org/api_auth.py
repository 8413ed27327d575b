"""Bearer-token authentication for the API, one instance per scope (org.domain.api_tokens).

Every route names the scope it needs with `auth=`: GET routes `READ`, a member's own acts `VOTE`, what a role allows
`MANAGE` (tests/test_api_scopes.py holds every route to it). A token without the scope gets 403; an unknown,
revoked, expired or password-changed one gets 401.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from rankandfile.org.domain import api_tokens
from rankandfile.org.services import member_for_api_token


class MemberToken(HttpBearer):
    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        member = member_for_api_token(token, scope=self.scope)
        if member is not None:
            request.user = member
        return member


READ = MemberToken(api_tokens.READ)
VOTE = MemberToken(api_tokens.VOTE)
MANAGE = MemberToken(api_tokens.MANAGE)
