"""Every page needs a login (LoginRequiredMiddleware) unless it is marked public here."""

from django.contrib.auth.decorators import login_not_required

public = login_not_required
