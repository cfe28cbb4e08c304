"""Issue 12: the buyer attaches photos to a complaint; they are stored without metadata, and a
refused photo refuses the whole complaint (nothing half-written)."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from marketplace.complaints.models import Complaint, ComplaintPhoto
from marketplace.complaints.services import complaint_create
from meidu.core.errors import DomainError
from tests.marketplace.complaints.helpers import jpeg


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}


def test_photos_are_stored_as_renditions_without_metadata(order, buyer):
    complaint = complaint_create(
        order, buyer=buyer, category="quality", description="碰伤", photos=[jpeg(), jpeg("seal.jpg", (20, 20, 200))]
    )
    photos = list(complaint.photos.all())
    assert len(photos) == 2 and {photo.width for photo in photos} == {1200}
    for photo in photos:
        assert photo.renditions["thumbnail"].startswith(f"complaints/o{order.pk}/")
        with default_storage.open(photo.renditions["large"]) as stored:
            image = Image.open(stored)
            assert image.format == "WEBP" and not image.getexif()
    assert complaint.events.get(type="created").data["photos"] == 2


def test_an_unreadable_photo_refuses_the_complaint(order, buyer):
    bad = SimpleUploadedFile("x.jpg", b"GIF89a not a photo", content_type="image/jpeg")
    with pytest.raises(DomainError) as refused:
        complaint_create(order, buyer=buyer, category="quality", description="碰伤", photos=[jpeg(), bad])
    assert refused.value.field == "photos" and refused.value.code == "invalid"
    assert not Complaint.objects.exists() and not ComplaintPhoto.objects.exists()


def test_at_most_four_photos(order, buyer):
    with pytest.raises(DomainError) as refused:
        complaint_create(order, buyer=buyer, category="quality", description="碰伤", photos=[jpeg() for _ in range(5)])
    assert refused.value.field == "photos"
    assert not Complaint.objects.exists()


def test_the_api_takes_photos_and_shows_them_to_the_shop(order, buyer, owner):
    import json

    from django.test import Client
    from graphql_relay import to_global_id

    from tests.support.graphql import GraphQLClient, token_for

    files = {str(n): jpeg(f"p{n}.jpg") for n in range(2)}
    operations = {
        "query": """mutation($o: ID!, $p: [Upload!]) {
          complaintCreate(order: $o, category: QUALITY, description: "碰伤", photos: $p) {
            complaint { id photos { url(size: 200) width } } errors { field code } } }""",
        "variables": {"o": to_global_id("Order", order.pk), "p": [None, None]},
    }
    response = Client().post(
        "/graphql/",
        {"operations": json.dumps(operations), "map": json.dumps({n: [f"variables.p.{n}"] for n in files}), **files},
        HTTP_AUTHORIZATION=f"Bearer {token_for(buyer)}",
    )
    payload = response.json()["data"]["complaintCreate"]
    assert payload["errors"] == [] and len(payload["complaint"]["photos"]) == 2
    assert all("/complaints/" in photo["url"] for photo in payload["complaint"]["photos"])
    shop = GraphQLClient(token_for(owner)).execute(
        'query($id: ID!) { complaint(id: $id) { photos { width } } }', {"id": payload["complaint"]["id"]}
    )
    assert shop["complaint"]["photos"] == [{"width": 1200}, {"width": 1200}]
