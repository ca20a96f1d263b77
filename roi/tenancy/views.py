"""Client workspaces and invitations: access, form, service, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from roi.access import Action, ClientAccess, require_client
from roi.errors import ServiceError
from roi.headers import private_page
from roi.tenancy import services
from roi.tenancy.forms import AcceptInvitationForm, ClientForm, InvitationForm
from roi.tenancy.models import Invitation, Role


@login_required
def client_create(request: HttpRequest) -> HttpResponse:
    is_consultant = request.user.memberships.filter(role=Role.CONSULTANT).exists()
    if not (request.user.is_staff or is_consultant):
        raise PermissionDenied
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        client = services.client_create(user=request.user, **form.cleaned_data)
        messages.success(request, _("Espace client « %(name)s » créé.") % {"name": client.name})
        return redirect("roi:client_detail", client_id=client.pk)
    return render(request, "roi/client_form.html", {"form": form})


@require_client(Action.MANAGE)
def client_edit(request: HttpRequest, access: ClientAccess) -> HttpResponse:
    form = ClientForm(request.POST or None, instance=access.client)
    if request.method == "POST" and form.is_valid():
        services.client_update(client=access.client, **form.cleaned_data)
        messages.success(request, _("Espace client enregistré."))
        return redirect("roi:client_detail", client_id=access.client.pk)
    return render(request, "roi/client_form.html", {"form": form, "client": access.client})


@require_client(Action.MANAGE)
def invitation_create(request: HttpRequest, access: ClientAccess) -> HttpResponse:
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                client=access.client, invited_by=request.user,
                base_url=request.build_absolute_uri("/"), **form.cleaned_data,
            )
        except ServiceError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, _("Invitation envoyée à %(email)s.")
                             % {"email": invitation.email})
            return redirect("roi:client_detail", client_id=access.client.pk)
    return render(request, "roi/invitation_form.html", {"form": form, "client": access.client})


@require_POST
@require_client(Action.MANAGE)
def invitation_resend(request: HttpRequest, access: ClientAccess, invitation_id: int
                      ) -> HttpResponse:
    invitation = get_object_or_404(
        Invitation, pk=invitation_id, client=access.client, accepted_at__isnull=True
    )
    services.invitation_send(invitation=invitation, base_url=request.build_absolute_uri("/"))
    messages.success(request, _("Invitation renvoyée à %(email)s.") % {"email": invitation.email})
    return redirect("roi:client_detail", client_id=access.client.pk)


@private_page
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """An invitation link: create the invited account, or (the account exists) sign in and
    confirm. Joining is always a POST; a used, expired or forged link gets a clear page."""
    try:
        invitation = services.invitation_from_token(token)
    except ServiceError as error:
        return render(request, "roi/invitation_invalid.html", {"error": str(error)}, status=400)
    if services.User.objects.filter(email__iexact=invitation.email).exists():
        return _join_existing_account(request, invitation)
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.invitation_accept(
                invitation=invitation, password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except ServiceError as error:
            return render(request, "roi/invitation_invalid.html", {"error": str(error)},
                          status=409)
        login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Bienvenue ! Votre compte est prêt."))
        return redirect("roi:client_detail", client_id=invitation.client_id)
    return render(request, "roi/invitation_accept.html", {"form": form, "invitation": invitation})


def _join_existing_account(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    """The invited email has an account: its owner signs in, then confirms with a POST."""
    if not request.user.is_authenticated:
        messages.info(request, _("Un compte existe déjà pour %(email)s : connectez-vous pour "
                                 "rejoindre « %(client)s ».")
                      % {"email": invitation.email, "client": invitation.client.name})
        return redirect_to_login(request.get_full_path())
    if (request.user.email or "").lower() != invitation.email.lower():
        return render(request, "roi/invitation_invalid.html", {
            "error": _("Cette invitation est adressée à %(email)s, et vous êtes connecté en "
                       "tant que %(current)s. Déconnectez-vous, puis ouvrez à nouveau le lien.")
            % {"email": invitation.email, "current": request.user.email},
        }, status=403)
    if request.method == "POST":
        try:
            services.invitation_accept(invitation=invitation, user=request.user)
        except ServiceError as error:
            return render(request, "roi/invitation_invalid.html", {"error": str(error)},
                          status=409)
        messages.success(request, _("Vous avez rejoint %(client)s.")
                         % {"client": invitation.client.name})
        return redirect("roi:client_detail", client_id=invitation.client_id)
    return render(request, "roi/invitation_join.html", {"invitation": invitation})
