"""Product photos: upright, stripped of metadata, three WebP renditions, hostile files refused."""

from __future__ import annotations

import io
import struct
import time
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageCms

from marketplace.media.processing import RENDITIONS, process_image, rendition_for
from meidu.core.errors import DomainError

RED = (255, 0, 0)
WHITE = (255, 255, 255)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Renditions go to a throwaway local folder, whatever storage the environment configures."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return tmp_path


def upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def encode(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def noisy(size: tuple[int, int]) -> Image.Image:
    """Random pixels: they do not compress, so a cut-off file really misses image data."""
    return Image.effect_noise(size, 64).convert("RGB")


def stored(name: str) -> Image.Image:
    with default_storage.open(name) as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
        return image


def png_header(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims the given dimensions (1-bit grey, one byte of pixel data)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b"")


def refusal_code(data: bytes, name: str = "photo.jpg") -> str:
    with pytest.raises(DomainError) as refused:
        process_image(upload(data, name), basename="p1")
    assert refused.value.field == "image"
    return refused.value.code


def test_three_webp_renditions_with_the_right_longest_side(media_root):
    result = process_image(upload(encode(noisy((2000, 1500)), "JPEG")), basename="pear-42")

    assert (result.width, result.height) == (2000, 1500)
    assert set(result.renditions) == set(RENDITIONS)
    expected = {"thumbnail": (256, 192), "medium": (768, 576), "large": (1600, 1200)}
    for name, storage_name in result.renditions.items():
        assert storage_name == f"products/pear-42/{result.content_hash[:8]}-{name}.webp"
        image = stored(storage_name)
        assert image.format == "WEBP"
        assert image.size == expected[name]
    assert len(list((media_root / "products" / "pear-42").iterdir())) == 3


def test_a_big_phone_photo_keeps_its_full_size_and_orientation():
    # JPEGs this big are decoded at a reduced scale; the reported size is still the original's.
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    result = process_image(upload(encode(Image.new("RGB", (4000, 3400), RED), "JPEG", exif=exif)), basename="p1")
    assert (result.width, result.height) == (3400, 4000)
    assert stored(result.renditions["large"]).size == (1360, 1600)


def test_a_new_photo_gets_new_names():
    first = process_image(upload(encode(Image.new("RGB", (300, 200), RED), "JPEG")), basename="p1")
    second = process_image(upload(encode(Image.new("RGB", (300, 200), WHITE), "JPEG")), basename="p1")
    assert first.content_hash != second.content_hash
    assert not set(first.renditions.values()) & set(second.renditions.values())


def test_a_small_photo_is_not_upscaled():
    result = process_image(upload(encode(Image.new("RGB", (200, 100), RED), "PNG"), "small.png"), basename="p1")
    assert {name: stored(path).size for name, path in result.renditions.items()} == {
        "thumbnail": (200, 100),
        "medium": (200, 100),
        "large": (200, 100),
    }


def test_a_portrait_phone_photo_stands_upright():
    # The sensor stores it landscape, left half red; orientation 6 says "turn 90° clockwise to view",
    # which brings the left half to the top.
    sensor = Image.new("RGB", (400, 300), WHITE)
    sensor.paste(RED, (0, 0, 200, 300))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6

    result = process_image(upload(encode(sensor, "JPEG", exif=exif, quality=95)), basename="p1")

    assert (result.width, result.height) == (300, 400)
    medium = stored(result.renditions["medium"]).convert("RGB")
    assert medium.size == (300, 400)
    assert _close(medium.getpixel((150, 50)), RED)
    assert _close(medium.getpixel((150, 350)), WHITE)


def test_gps_and_all_other_metadata_are_stripped():
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Xiaomi"
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (45.0, 30.0, 12.5),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (126.0, 57.0, 3.0),
    }
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    icc_profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = encode(noisy((900, 600)), "JPEG", exif=exif, xmp=xmp, icc_profile=icc_profile, comment=b"home")
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the upload does carry GPS

    result = process_image(upload(original), basename="p1")

    for storage_name in result.renditions.values():
        image = stored(storage_name)
        assert not image.getexif()
        assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
        with default_storage.open(storage_name) as handle:
            assert b"Xiaomi" not in handle.read()


@pytest.mark.parametrize("mode, centre", [("RGBA", RED), ("P", RED), ("LA", (76, 76, 76))])
def test_transparency_is_composited_on_white(mode, centre):
    picture = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    picture.paste((255, 0, 0, 255), (100, 100, 200, 200))
    result = process_image(upload(encode(picture.convert(mode), "PNG"), "cut-out.png"), basename="p1")

    large = stored(result.renditions["large"])
    assert large.mode == "RGB"
    assert _close(large.getpixel((5, 5)), WHITE)
    assert _close(large.getpixel((150, 150)), centre)


def test_cmyk_and_webp_uploads_become_rgb():
    cmyk = process_image(upload(encode(Image.new("CMYK", (100, 100), (0, 255, 255, 0)), "JPEG")), basename="p1")
    webp = process_image(upload(encode(Image.new("RGB", (100, 100), RED), "WEBP"), "photo.webp"), basename="p2")
    for result in (cmyk, webp):
        image = stored(result.renditions["thumbnail"])
        assert image.mode == "RGB"
        assert _close(image.getpixel((50, 50)), RED)


def test_text_renamed_as_jpeg_is_not_an_image(media_root):
    assert refusal_code(b"Nanguo pears, 5 jin, 30 yuan\n") == "not_an_image"
    assert refusal_code(b"") == "not_an_image"
    assert not list(media_root.iterdir())


def test_a_truncated_jpeg_is_not_an_image(media_root):
    whole = encode(noisy((600, 400)), "JPEG")
    assert refusal_code(whole[: len(whole) // 2]) == "not_an_image"
    assert not list(media_root.iterdir())


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(encode(Image.new("P", (10, 10)), "GIF"), id="gif"),
        pytest.param(encode(Image.new("RGB", (10, 10)), "TIFF"), id="tiff"),
        pytest.param(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", id="heic"),
    ],
)
def test_other_image_formats_are_unsupported(data):
    assert refusal_code(data, "photo.img") == "unsupported_image_format"


def test_more_bytes_than_the_limit_are_refused(settings, media_root):
    settings.MEDIA_MAX_UPLOAD_BYTES = 1000
    assert refusal_code(encode(noisy((200, 200)), "JPEG")) == "image_too_large"
    assert not list(media_root.iterdir())


@pytest.mark.parametrize(
    "width, height, max_pixels",
    [
        pytest.param(30_000, 30_000, None, id="pillow_bomb_error"),
        pytest.param(10_000, 10_000, 200_000_000, id="pillow_bomb_warning"),
        pytest.param(7_000, 7_000, None, id="over_our_limit"),
    ],
)
def test_a_decompression_bomb_is_refused_from_its_header(settings, width, height, max_pixels):
    if max_pixels:
        settings.MEDIA_MAX_PIXELS = max_pixels
    bomb = png_header(width, height)
    assert len(bomb) < 100
    started = time.monotonic()
    assert refusal_code(bomb, "bomb.png") == "image_too_many_pixels"
    assert time.monotonic() - started < 0.5


def test_pixel_limit_follows_the_setting(settings):
    settings.MEDIA_MAX_PIXELS = 100 * 100
    assert refusal_code(encode(Image.new("RGB", (101, 100)), "PNG"), "photo.png") == "image_too_many_pixels"
    assert process_image(upload(encode(Image.new("RGB", (100, 100)), "PNG"), "photo.png"), basename="p1")


def test_an_unsafe_basename_is_a_programming_error():
    with pytest.raises(ValueError):
        process_image(upload(encode(Image.new("RGB", (10, 10)), "PNG")), basename="../etc")


RENDITION_NAMES = {"thumbnail": "t.webp", "medium": "m.webp", "large": "l.webp"}


@pytest.mark.parametrize(
    "size, expected",
    [
        (None, "m.webp"),
        (1, "t.webp"),
        (256, "t.webp"),
        (257, "m.webp"),
        (768, "m.webp"),
        (1000, "l.webp"),
        (4096, "l.webp"),
    ],
)
def test_rendition_for_picks_the_smallest_big_enough(size, expected):
    assert rendition_for(RENDITION_NAMES, size) == expected


def _close(pixel, colour, tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))
