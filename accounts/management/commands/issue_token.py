from django.core.management.base import BaseCommand, CommandError

from accounts.services import AccountError, token_issue


class Command(BaseCommand):
    help = (
        "Issue a new API token for a user. The token is printed once, as the last line; "
        "only a hash of it is stored."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        try:
            token = token_issue(username=options["username"])
        except AccountError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"New API token for {options['username']}. Send it as 'Authorization: Token <token>'. "
            "It cannot be shown again."
        )
        self.stdout.write(token)
