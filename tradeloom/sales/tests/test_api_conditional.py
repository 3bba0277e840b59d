"""The order detail honours ``If-None-Match``: a client polling an order gets a 304 with no body while its tag is
current, the full order once anything it shows changes (its header, or a line's delivery that leaves the header's
version alone), and never a 304 for an order that is not its to see."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tradeloom.sales.tests.factories import LineFactory
from tradeloom.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def test_an_unchanged_order_is_a_304_and_a_changed_one_is_sent_again(org, member, api_as):
    # given an order read once
    line = LineFactory(organization=org)
    client = api_as(member(Role.MERCHANDISER))
    url = f"/api/v1/o/{org.slug}/orders/{line.order_id}/"
    first = client.get(url)
    assert first.status_code == 200
    tag = first["ETag"]
    # when it is asked for again with its tag
    again = client.get(url, HTTP_IF_NONE_MATCH=tag)
    # then the answer is a 304 with the tag and no body
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == tag
    assert client.get(url, HTTP_IF_NONE_MATCH=f'W/{tag}, "x"').status_code == 304
    # and after a change the old tag gets the new version
    assert client.patch(url, {"buyer_name": "Ingrid"}, format="json", HTTP_IF_MATCH=tag).status_code == 200
    changed = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200
    assert changed["ETag"] != tag
    assert changed.json()["buyer_name"] == "Ingrid"


def test_if_none_match_never_answers_for_an_order_the_member_cannot_see(org, other_org, member, api_as):
    theirs = LineFactory(organization=other_org)
    client = api_as(member(Role.OWNER))
    response = client.get(f"/api/v1/o/{org.slug}/orders/{theirs.order_id}/", HTTP_IF_NONE_MATCH="*")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_a_delivery_changes_the_orders_tag_though_not_its_version(org, member, api_as):
    line = LineFactory(organization=org)
    client = api_as(member(Role.MERCHANDISER))
    url = f"/api/v1/o/{org.slug}/orders/{line.order_id}/"
    first = client.get(url)
    delivered = client.post(
        f"{url}lines/{line.pk}/deliveries/",
        {"date": (timezone.localdate() - timedelta(days=1)).isoformat(), "quantity": "50", "unit": str(line.unit_id)},
        format="json",
    )
    assert delivered.status_code in (200, 201), delivered.content
    after = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200
    assert after.json()["version"] == first.json()["version"]  # the header did not change
    assert after["ETag"] != first["ETag"]
    # the tag still names the version for a write
    edit = client.patch(url, {"buyer_name": "Ingrid"}, format="json", HTTP_IF_MATCH=after["ETag"])
    assert edit.status_code == 200
