from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect


@login_required
def home(request):
    if request.user.is_client_user:
        return redirect("portal:ticket_list")
    return redirect("console:ticket_list")


@login_required
def ticket_list(request):
    return HttpResponse("console")
