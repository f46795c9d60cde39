"""Make an API token for a user. The token is printed alone on the last line, once."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from revops import services
from revops.models import ApiToken, Door


class Command(BaseCommand):
    help = "Create an API token for USERNAME; prints the token on the last line."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--scope", choices=ApiToken.Scope.values, default=ApiToken.Scope.READ)
        parser.add_argument("--name", default="command-line token")
        parser.add_argument("--expires-in-days", type=int, default=None)

    def handle(self, *args, username, scope, name, expires_in_days, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"username: no active user {username!r}")
        if expires_in_days is not None and expires_in_days <= 0:
            raise CommandError("--expires-in-days must be a positive number of days")
        expires_at = (
            timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
        )
        token, raw = services.api_token_create(
            actor=user, door=Door.CLI, user=user, name=name, scope=scope, expires_at=expires_at
        )
        self.stdout.write(f"Created {scope} token {token.prefix}… for {username}. "
                          "Store it now: it is not shown again.")
        self.stdout.write(raw)
