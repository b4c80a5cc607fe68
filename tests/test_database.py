"""The database under editors working at once, in separate processes sharing one database (a SQLite
file, or PostgreSQL when KFQ_TEST_DATABASE_URL names a server), as gunicorn's workers do."""

import time

from tests.search.processes import finish, site

# An admin save in miniature: read (the form's checks), then write, in one transaction.
SAVE = """
import time
from django.db import transaction
from articles.models import Zone
time.sleep(max(0, {start} - time.time()))
with transaction.atomic():
    taken = Zone.objects.filter(name="{name}").exists()
    time.sleep(0.5)  # the other editor reads meanwhile
    Zone.objects.create(name="{name}", kind="开发区")
print("saved", taken)
"""
SAVED = "from articles.models import Zone; print(sorted(Zone.objects.filter(name__in=['甲开发区', '乙开发区']).values_list('name', flat=True)))"


def test_two_editors_saving_at_the_same_moment_both_succeed(tmp_path):
    with site(tmp_path / "data") as here:
        start = time.time() + 8  # both processes have started Django by then
        editors = [here.start("shell", "-c", SAVE.format(start=start, name=name)) for name in ("甲开发区", "乙开发区")]
        done = [finish(editor, timeout=120) for editor in editors]
        for editor in done:
            assert editor.returncode == 0, editor.stderr[-2000:]
            assert "saved False" in editor.stdout
        assert "['乙开发区', '甲开发区']" in here.manage("shell", "-c", SAVED)
