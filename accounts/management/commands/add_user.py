from django.core.management.base import BaseCommand, CommandError

from accounts.roles import ROLE_DESCRIPTIONS, Role
from accounts.services import AccountError, user_upsert


class Command(BaseCommand):
    help = "Create a user, or update an existing one, holding the given role."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--role",
            required=True,
            choices=[role.value for role in Role],
            help="; ".join(f"{role.value}: {text}" for role, text in ROLE_DESCRIPTIONS.items()),
        )
        parser.add_argument("--password", help="Set this password (otherwise left unchanged).")
        parser.add_argument("--email", default="")

    def handle(self, *args, **options):
        try:
            user, created = user_upsert(
                username=options["username"],
                role=Role(options["role"]),
                password=options["password"],
                email=options["email"],
            )
        except AccountError as exc:
            raise CommandError(str(exc)) from exc
        verb = "Created" if created else "Updated"
        self.stdout.write(f"{verb} user {user.username} with role {options['role']}.")
