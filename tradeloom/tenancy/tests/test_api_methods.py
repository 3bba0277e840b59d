"""A method an organisation's route does not have is a 405, whatever the caller's role (it was a 403: the capability
check ran first and found no capability for the method)."""

from __future__ import annotations

import pytest

from tradeloom.tenancy.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("put", "approvals/board/"),
        ("delete", "orders/"),
        ("post", "organization/"),
        ("trace", "members/"),
        ("patch", "customers/"),  # a record list (a ViewSet route)
    ],
)
def test_a_method_the_route_lacks_is_a_405_problem_for_every_role(org, member, api_as, method, path):
    for role in (Role.OWNER, Role.VIEWER):
        client = api_as(member(role))
        response = client.generic(method.upper(), f"/api/v1/o/{org.slug}/{path}")
        assert response.status_code == 405, (role, response.content)
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["code"] == "method_not_allowed"
        assert method.upper() not in response["Allow"]


def test_a_method_the_route_has_is_still_checked_against_the_role(org, member, api_as):
    response = api_as(member(Role.VIEWER)).patch(f"/api/v1/o/{org.slug}/organization/", {}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_an_outsider_still_learns_nothing_but_the_method(other_org, member, api_as):
    stranger = api_as(member(Role.OWNER))
    assert stranger.get(f"/api/v1/o/{other_org.slug}/members/").status_code == 404
    assert stranger.generic("PUT", f"/api/v1/o/{other_org.slug}/members/").status_code == 405
