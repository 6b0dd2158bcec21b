"""Demo accounts, one per role, for trying the service locally."""

from .roles import Role
from .services import user_upsert

DEMO_USERS = [
    ("checker", Role.FACT_CHECKER, "demo-checker-pass"),
    ("checker2", Role.FACT_CHECKER, "demo-checker2-pass"),
    ("editor", Role.EDITOR, "demo-editor-pass"),
    ("editor2", Role.EDITOR, "demo-editor2-pass"),
    ("apiclient", Role.API_CLIENT, "demo-apiclient-pass"),
]


def demo_users_ensure() -> list[tuple[str, str, str]]:
    """Create or refresh the demo users; returns (username, role, password) for each."""
    for username, role, password in DEMO_USERS:
        user_upsert(username=username, role=role, password=password)
    return [(username, role.value, password) for username, role, password in DEMO_USERS]
