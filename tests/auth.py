"""django-axes' backend for tests: Django's ``client.login()`` authenticates without a request, which
axes refuses. Web logins always carry one, so they are still counted and locked out as in production."""

from axes.backends import AxesStandaloneBackend


class AxesBackendAllowingTestClientLogin(AxesStandaloneBackend):
    def authenticate(self, request, *args, **kwargs):
        if request is None:
            return None  # let ModelBackend decide, as without axes
        return super().authenticate(request, *args, **kwargs)
