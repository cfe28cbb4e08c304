"""Helpers of the complaint API tests: the complaintCreate document and the rows a refusal must leave alone."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from marketplace.complaints.models import Complaint, ComplaintEvent
from marketplace.orders.models import Order
from marketplace.shops.models import ShopNotice

FIELDS = "id status category description dueAt response resolution refund { amount currency } handlingRating"
CREATE = f"""mutation($order: ID!, $category: ComplaintCategory!, $description: String!) {{
  complaintCreate(order: $order, category: $category, description: $description) {{
    complaint {{ {FIELDS} events {{ type actor }} }} errors {{ field code message }} }} }}"""


def state():
    return (
        list(Complaint.objects.order_by("pk").values_list("pk", "status", "resolution", "handling_rating")),
        ComplaintEvent.objects.count(),
        ShopNotice.objects.count(),
        list(Order.objects.order_by("pk").values_list("refunded_amount", flat=True)),
    )


def jpeg(name="bruise.jpg", colour=(180, 90, 40)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Phone maker"  # any metadata at all must not survive
    Image.new("RGB", (1200, 900), colour).save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")
