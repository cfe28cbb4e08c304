"""Turn a farmer's phone photo into stored WebP renditions that carry no metadata.

Decisions:

* Formats: JPEG, PNG and WebP are accepted. GIF, TIFF, HEIF/HEIC and AVIF are refused as
  ``unsupported_image_format``; they are recognised by their signature and never handed to a
  decoder (Pillow reads HEIF only with an extra package, and browsers upload phone photos as
  JPEG). An animated PNG or WebP keeps its first frame.
* Limits: ``MEDIA_MAX_UPLOAD_BYTES`` (15 MB) on the bytes and ``MEDIA_MAX_PIXELS`` (40 megapixels)
  on the dimensions in the header, both checked before any pixel is decoded. Pillow's own
  decompression-bomb ceiling (about 89 megapixels) refuses too, whatever the setting.
* Colour: an embedded ICC profile (Display P3 on iPhones, CMYK) is applied to reach sRGB, then
  dropped; transparency is composited on white.
* Privacy: nothing of the upload's metadata (EXIF with GPS, XMP, ICC, comments) reaches the
  renditions, because farmers' photos carry their home coordinates.
* Names: ``<folder>/<basename>/<hash8>-<size>.webp`` (folder ``products`` unless told, e.g.
  ``complaints`` for a buyer's photos of a problem), the hash being of the uploaded bytes, so a
  new photo gets new URLs and caches can keep renditions forever.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import ExifTags, Image, ImageCms, ImageOps

from marketplace.media.error_codes import MediaErrorCode
from meidu.core.errors import DomainError

DEFAULT_MAX_UPLOAD_BYTES = 15_000_000
DEFAULT_MAX_PIXELS = 40_000_000
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
RENDITIONS = {"thumbnail": 256, "medium": 768, "large": 1600}  # size name -> longest side in pixels
DEFAULT_RENDITION = "medium"
WEBP_QUALITY = 80

_BASENAME = re.compile(r"[\w-]+")
_ROTATING_ORIENTATIONS = {5, 6, 7, 8}  # EXIF orientations that swap width and height
_UNSUPPORTED_SIGNATURES = (b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*")
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif", b"avis"}
_SRGB = ImageCms.createProfile("sRGB")
_WHITE = (255, 255, 255, 255)


@dataclass(frozen=True)
class ProcessedImage:
    renditions: dict[str, str]  # size name -> storage name
    width: int  # of the upright original
    height: int
    content_hash: str  # sha256 hex of the uploaded bytes


def process_image(uploaded_file, *, basename: str, folder: str = "products") -> ProcessedImage:
    """Validate, normalise and store an uploaded photo; refusals are DomainErrors on field "image"."""
    if not _BASENAME.fullmatch(basename) or not _BASENAME.fullmatch(folder):
        raise ValueError(f"Unsafe basename or folder for a storage path: {folder!r}/{basename!r}")
    data = _read_limited(uploaded_file)
    image = _open(data)
    width, height = image.size
    upright, rotated = _decode(image)
    if rotated:
        width, height = height, width
    content_hash = hashlib.sha256(data).hexdigest()
    renditions = {
        name: _store(rendition, f"{folder}/{basename}/{content_hash[:8]}-{name}.webp")
        for name, rendition in _renditions(_flatten(_to_srgb(upright)))
    }
    return ProcessedImage(renditions=renditions, width=width, height=height, content_hash=content_hash)


def rendition_for(renditions: dict[str, str], requested_size: int | None) -> str:
    """Saleor's ``thumbnail(size:)``: the smallest rendition at least that big, else the largest."""
    if requested_size is None:
        return renditions[DEFAULT_RENDITION]
    by_side = sorted((RENDITIONS[name], name) for name in renditions)
    for side, name in by_side:
        if side >= requested_size:
            return renditions[name]
    return renditions[by_side[-1][1]]


def _refusal(message: str, code: MediaErrorCode) -> DomainError:
    return DomainError(message, code, field="image")


def _read_limited(uploaded_file) -> bytes:
    """Read at most one byte over the limit, so neither a huge stream nor a wrong `size` costs memory."""
    limit = getattr(settings, "MEDIA_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES)
    uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise _refusal(f"The photo is larger than {limit / 1_000_000:g} MB", MediaErrorCode.IMAGE_TOO_LARGE)
    return data


def _open(data: bytes) -> Image.Image:
    """Read the header only, so that a decompression bomb is refused before anything is allocated.

    ``catch_warnings`` swaps process-wide filters; a concurrent thread at worst sees a bomb
    warning raised as an error, which refuses its image too.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels() from None
    except (OSError, SyntaxError, ValueError):
        raise _unreadable(data) from None
    if image.width * image.height > _max_pixels():
        raise _too_many_pixels()
    return image


def _max_pixels() -> int:
    return getattr(settings, "MEDIA_MAX_PIXELS", DEFAULT_MAX_PIXELS)


def _too_many_pixels() -> DomainError:
    return _refusal(
        f"The photo has more than {_max_pixels() / 1_000_000:g} megapixels", MediaErrorCode.IMAGE_TOO_MANY_PIXELS
    )


def _unreadable(data: bytes) -> DomainError:
    """A known image format we do not take gets its own code, so the client can ask for a JPEG."""
    is_heif = data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS
    if data.startswith(_UNSUPPORTED_SIGNATURES) or is_heif:
        return _refusal("Send the photo as JPEG, PNG or WebP", MediaErrorCode.UNSUPPORTED_IMAGE_FORMAT)
    return _refusal("The file is not an image", MediaErrorCode.NOT_AN_IMAGE)


def _decode(image: Image.Image) -> tuple[Image.Image, bool]:
    """Decode the pixels and stand the photo upright; also say whether that swapped its sides.

    A JPEG much larger than the largest rendition is decoded at 1/2, 1/4 or 1/8 scale (``draft``),
    which saves most of the memory and time of a 40-megapixel photo.
    """
    largest = max(RENDITIONS.values())
    image.draft(None, (largest, largest))
    try:
        image.load()
        rotated = image.getexif().get(ExifTags.Base.Orientation) in _ROTATING_ORIENTATIONS
        return ImageOps.exif_transpose(image), rotated
    except (OSError, SyntaxError, ValueError, EOFError):
        raise _refusal("The image is damaged or incomplete", MediaErrorCode.NOT_AN_IMAGE) from None


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def _to_srgb(image: Image.Image) -> Image.Image:
    """Apply an embedded colour profile, so that colours stay right once the profile is dropped."""
    icc_profile = image.info.get("icc_profile")
    if not icc_profile:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        return ImageCms.profileToProfile(image, source, _SRGB, outputMode="RGBA" if _has_alpha(image) else "RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # a broken or unusual profile: the plain conversion in _flatten is close enough


def _flatten(image: Image.Image) -> Image.Image:
    """Opaque RGB with no metadata: transparent areas become white, like the shop's product cards."""
    if _has_alpha(image):
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, _WHITE), rgba)
    flat = image.convert("RGB")
    flat.info = {}  # nothing of the upload (EXIF, GPS, XMP, ICC, comments) travels further
    return flat


def _renditions(image: Image.Image):
    """Largest first, each resized from the previous one (cheaper); never upscaled."""
    for name, side in sorted(RENDITIONS.items(), key=lambda item: -item[1]):
        scale = side / max(image.size)
        if scale < 1:
            size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
            image = image.resize(size, Image.Resampling.LANCZOS)
        yield name, image


def _store(image: Image.Image, name: str) -> str:
    """Encode as WebP and save through the default storage (local folder or S3); returns the stored name."""
    buffer = io.BytesIO()
    image.save(buffer, "WEBP", quality=WEBP_QUALITY)
    return default_storage.save(name, ContentFile(buffer.getvalue()))
