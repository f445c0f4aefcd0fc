import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from fabrique.core.uploads import ImageRejected, check_image


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
