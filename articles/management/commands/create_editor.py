"""manage.py create_editor USERNAME [--email E] [--password-from-env VAR] — a staff account in the 编辑 group."""

import getpass
import os

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

EDITOR_GROUP = "编辑"


class Command(BaseCommand):
    help = "创建（或更新）编辑账号：后台登录、属于“编辑”组 / Create or update an editor account."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-from-env", metavar="VAR", help="read the password from this environment variable"
        )

    def handle(self, *args, username: str, email: str, password_from_env: str | None, **options):
        try:
            group = Group.objects.get(name=EDITOR_GROUP)
        except Group.DoesNotExist as error:
            raise CommandError(f"没有“{EDITOR_GROUP}”组，请先运行 migrate / run migrate first") from error
        User = get_user_model()
        user = User.objects.filter(username=username).first() or User(username=username)
        if email:
            user.email = email
        password = self._password(password_from_env)
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError("密码不符合要求 / password rejected: " + " ".join(error.messages)) from error
        created = user.pk is None
        with transaction.atomic():
            user.is_staff = True
            user.is_active = True
            user.set_password(password)
            user.save()
            user.groups.add(group)
        verb = "已创建" if created else "已更新"
        self.stdout.write(f"{verb}编辑账号 {username} / editor {'created' if created else 'updated'}: {username}")

    def _password(self, variable: str | None) -> str:
        if variable:
            password = os.environ.get(variable)
            if not password:
                raise CommandError(f"环境变量 {variable} 为空或不存在 / environment variable {variable} is not set")
            return password
        if not os.isatty(0):
            raise CommandError("没有终端可输入密码，请用 --password-from-env / no terminal: use --password-from-env")
        password = getpass.getpass("密码 / Password: ")
        if password != getpass.getpass("再输一次 / Password (again): "):
            raise CommandError("两次输入的密码不一致 / passwords do not match")
        return password
