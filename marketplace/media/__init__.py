"""Product photos: validate an upload, strip its metadata, store WebP renditions."""
