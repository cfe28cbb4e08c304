"""The columns every processed photo keeps (product media, complaint photos): the storage names of
its WebP renditions (marketplace.media.processing.process_image), its size and its content hash."""

from django.db import models


class StoredImage(models.Model):
    renditions = models.JSONField(default=dict, help_text="size name -> storage name of a WebP rendition")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    content_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
