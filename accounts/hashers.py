"""How passwords are stored."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class NewsroomArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's recommended minimum (19 MiB of memory, two passes, one lane).

    Django's own parameters (100 MiB, eight lanes) cost 196 ms of wall time a check on a
    2-core AMD EPYC, PBKDF2's 600,000+ rounds 249 ms; these cost 28 ms, so a sign-in stays
    well under a second when the machine is busy. Django rehashes a password stored with other
    parameters or another hasher when its owner next signs in."""

    algorithm = "argon2"
    memory_cost = 19456
    time_cost = 2
    parallelism = 1
