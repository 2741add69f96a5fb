"""The two login pages: MSP staff at /login/, client users at /portal/login/.

Each page admits only its own kind of account, so the staff login never opens the
way to the console for a client and the portal's never for staff. The refusal comes
only after a correct password, so it tells a stranger nothing about which accounts
exist. Repeated wrong passwords lock sign-in (see lockout.py).
"""

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.urls import reverse

WRONG_PAGE = "wrong_page"


class _SignInForm(AuthenticationForm):
    wrong_page_message = ""

    def admits(self, user) -> bool:
        raise NotImplementedError

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not self.admits(user):
            raise ValidationError(self.wrong_page_message, code=WRONG_PAGE)

    @property
    def sent_to_other_page(self) -> bool:
        return self.has_error(NON_FIELD_ERRORS, WRONG_PAGE)


class StaffSignInForm(_SignInForm):
    wrong_page_message = (
        "This login is for staff. Client accounts log in on the client portal."
    )

    def admits(self, user) -> bool:
        return user.is_msp_staff


class ClientSignInForm(_SignInForm):
    wrong_page_message = (
        "This login is for client accounts. Staff log in on the staff login page."
    )

    def admits(self, user) -> bool:
        return user.is_client_user

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.client.is_active:
            raise ValidationError(
                "Your organisation's portal access has ended. Please contact us.",
                code="client_inactive",
            )


class _SignInView(auth_views.LoginView):
    # After signing in, `home` sends each person to the console or the portal.
    redirect_authenticated_user = True
    other_page = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["other_page_url"] = reverse(self.other_page)
        return context


class StaffSignInView(_SignInView):
    form_class = StaffSignInForm
    template_name = "login.html"
    other_page = "portal:login"


class ClientSignInView(_SignInView):
    form_class = ClientSignInForm
    template_name = "portal/login.html"
    other_page = "login"


class SignOutView(auth_views.LogoutView):
    """Logs out and shows the login page the person uses, not always the staff one."""

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_client_user:
            self.next_page = "portal:login"
        return super().post(request, *args, **kwargs)
