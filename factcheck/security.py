"""Defences every response and every sign-in share: the Content-Security-Policy and login
throttling."""

from axes.backends import AxesStandaloneBackend

# Pages run only the scripts and styles this service serves itself: an injected <script> or
# on* attribute that slipped past escaping still does not run. JSON-LD blocks are data, not
# scripts, so the policy does not apply to them.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# The interactive API documentation is a third-party page (Swagger UI) that starts itself with
# an inline script; it alone may run inline code. Keyed by URL name.
POLICY_BY_URL_NAME = {
    "api-docs": CONTENT_SECURITY_POLICY.replace(
        "script-src 'self'", "script-src 'self' 'unsafe-inline'"
    ).replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
}


class ContentSecurityPolicyMiddleware:
    """Sets the Content-Security-Policy on every response that does not bring its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            match = getattr(request, "resolver_match", None)
            url_name = match.url_name if match else None
            response["Content-Security-Policy"] = POLICY_BY_URL_NAME.get(
                url_name, CONTENT_SECURITY_POLICY
            )
        return response


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
