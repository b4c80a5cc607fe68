from pathlib import Path

from django.conf import settings


def test_tests_use_a_temporary_data_folder():
    assert settings.KFQ_DATA_DIR != Path(settings.BASE_DIR) / "var"
    assert "kfq-test-" in str(settings.KFQ_DATA_DIR)


def test_secret_key_is_generated_into_the_data_folder():
    key_file = settings.KFQ_DATA_DIR / "secret_key"
    assert key_file.read_text().strip() == settings.SECRET_KEY
    assert len(settings.SECRET_KEY) >= 50


def test_safe_defaults():
    assert settings.DEBUG is False
    assert {"127.0.0.1", "localhost"} <= set(settings.ALLOWED_HOSTS)  # pytest-django adds testserver
    assert settings.KFQ_MAX_UPLOAD_BYTES == 2 * 1024 * 1024
    assert settings.LANGUAGE_CODE == "zh-hans" and settings.TIME_ZONE == "Asia/Shanghai"
