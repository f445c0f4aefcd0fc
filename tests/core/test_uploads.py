import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from fabrique.core.uploads import ImageRejected, check_image, reencode_image


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def _png(width=8, height=6) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (11, 110, 79)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_small_png_is_accepted_with_its_real_type_and_size():
    upload = SimpleUploadedFile("photo.png", _png(), content_type="image/png")
    checked = check_image(upload)
    assert (checked.format, checked.content_type) == ("PNG", "image/png")
    assert (checked.width, checked.height) == (8, 6)


def test_the_type_comes_from_the_content_not_the_name():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "JPEG")
    upload = SimpleUploadedFile("photo.png", buffer.getvalue(), "image/png")
    assert check_image(upload).extension == "jpg"


def test_a_text_file_renamed_png_is_refused_as_not_an_image():
    upload = SimpleUploadedFile("notes.png", b"just some text\n" * 10, "image/png")
    with pytest.raises(ImageRejected, match="not an image") as error:
        check_image(upload)
    assert error.value.code == "not_image"


def test_a_fake_png_with_a_valid_header_but_garbage_body_is_refused():
    data = _png()
    fake = data[:40] + b"\x00garbage" * 20
    upload = SimpleUploadedFile("fake.png", fake, "image/png")
    with pytest.raises(ImageRejected) as error:
        check_image(upload)
    assert error.value.code in {"damaged", "not_image"}


def test_an_image_with_too_many_pixels_is_refused_before_decoding(settings):
    settings.FABRIQUE_MAX_IMAGE_PIXELS = 10_000
    upload = SimpleUploadedFile("huge.png", _png(200, 100), "image/png")
    with pytest.raises(ImageRejected, match="200×100") as error:
        check_image(upload)
    assert error.value.code == "too_many_pixels"


def test_a_file_over_the_byte_limit_is_refused_with_its_size(settings):
    settings.FABRIQUE_MAX_IMAGE_BYTES = 50
    data = _png()
    upload = SimpleUploadedFile("big.png", data, "image/png")
    with pytest.raises(ImageRejected, match=f"{len(data)} bytes") as error:
        check_image(upload)
    assert error.value.code == "too_large"


def test_an_empty_file_is_refused():
    with pytest.raises(ImageRejected, match="empty"):
        check_image(SimpleUploadedFile("empty.png", b"", "image/png"))


def test_a_format_outside_the_allow_list_is_refused():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "BMP")
    upload = SimpleUploadedFile("x.bmp", buffer.getvalue(), "image/bmp")
    with pytest.raises(ImageRejected, match="BMP") as error:
        check_image(upload)
    assert error.value.code == "format"


# Re-encoding: what is stored comes from the pixels, never the bytes sent.

HTML = b"<html><script>alert(document.cookie)</script></html>"


def test_bytes_appended_to_a_png_are_not_kept():
    upload = SimpleUploadedFile("polyglot.png", _png() + HTML, "image/png")
    content, stored = reencode_image(upload)
    assert HTML not in content
    assert b"<script" not in content
    assert stored.format == "PNG"
    assert (stored.width, stored.height) == (8, 6)
    with Image.open(io.BytesIO(content)) as image:
        assert image.format == "PNG"
        assert image.getpixel((0, 0)) == (11, 110, 79)


def test_jpeg_metadata_is_dropped_and_its_orientation_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    exif[0x010F] = "Camera maker <script>"
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), (200, 10, 10)).save(buffer, "JPEG", exif=exif)
    content, stored = reencode_image(SimpleUploadedFile("p.jpg", buffer.getvalue()))
    assert stored.format == "JPEG"
    assert (stored.width, stored.height) == (10, 20)
    with Image.open(io.BytesIO(content)) as image:
        assert not image.getexif()
        assert b"Camera maker" not in content


def test_png_text_chunks_are_dropped():
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<svg onload=alert(1)>")
    buffer = io.BytesIO()
    Image.new("RGBA", (4, 4), (0, 0, 0, 0)).save(buffer, "PNG", pnginfo=info)
    content, _stored = reencode_image(SimpleUploadedFile("t.png", buffer.getvalue()))
    assert b"onload" not in content


def test_webp_stays_webp_and_gif_becomes_png():
    buffer = io.BytesIO()
    Image.new("RGB", (6, 6), (1, 2, 3)).save(buffer, "WEBP")
    assert reencode_image(SimpleUploadedFile("w.webp", buffer.getvalue()))[
        1
    ].format == ("WEBP")
    buffer = io.BytesIO()
    Image.new("P", (6, 6)).save(buffer, "GIF")
    content, stored = reencode_image(
        SimpleUploadedFile("g.gif", buffer.getvalue() + HTML)
    )
    assert (stored.format, stored.extension) == ("PNG", "png")
    assert content.startswith(b"\x89PNG")
    assert HTML not in content


def test_a_decompression_bomb_is_refused_before_decoding(settings):
    settings.FABRIQUE_MAX_IMAGE_PIXELS = 1_000_000
    buffer = io.BytesIO()
    Image.new("1", (4000, 4000)).save(buffer, "PNG")  # 16 Mpx in a few KB
    assert len(buffer.getvalue()) < 50_000
    with pytest.raises(ImageRejected) as error:
        reencode_image(SimpleUploadedFile("bomb.png", buffer.getvalue()))
    assert error.value.code == "too_many_pixels"


@pytest.mark.django_db
def test_a_commons_image_is_stored_re_encoded():
    from fabrique.catalog import services
    from tests.catalog.factories import make_commons, make_user

    commons = make_commons()
    image = services.add_image(
        commons,
        user=commons.created_by or make_user(),
        file=SimpleUploadedFile("p.png", _png() + HTML, "image/png"),
        alt="Station",
    )
    with image.image.open("rb") as stored:
        content = stored.read()
    assert content.startswith(b"\x89PNG")
    assert HTML not in content
