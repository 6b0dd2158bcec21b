"""Login throttling. (The Content-Security-Policy is django-csp's, configured in settings.)"""

from axes.backends import AxesStandaloneBackend


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses sign-ins for a username and address locked out after repeated failures.

    Sign-ins made without an HTTP request (the test client's `login()`, a shell) cannot be
    guessed at over the network, so they are not throttled; the axes backend itself would
    refuse them outright.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
