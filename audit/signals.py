"""Sign-ins, sign-outs and failed attempts go into the audit trail (MLPS: full audit of logins and failures)."""

from .services import audit_record


def logged_in(sender, request, user, **kwargs):
    import time

    if request is not None and hasattr(request, "session"):
        request.session["_seen"] = int(time.time())  # the idle clock starts at sign-in
    audit_record(actor=user, action="login.succeeded", target=user)


def logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(actor=user, action="login.signed_out", target=user)


def login_failed(sender, credentials, request=None, **kwargs):
    # The username tried is kept (it is how lockout and attacks are traced); the password never is.
    audit_record(actor=None, action="login.failed", changes={"username": str(credentials.get("username", ""))[:150]})
