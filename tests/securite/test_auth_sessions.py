"""Session lifetime (inactivity, absolute) and "log out everywhere". Time travels by
editing the session's timestamps, never by sleeping."""

from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from securite.authentification import sessions
from securite.authentification.models import LoginEvent, LoginEventKind, UserSession

HOME = reverse("dui:accueil")
LOGIN = reverse("securite:login")


def shift(client: Client, key: str, seconds: int) -> None:
    """Move a session timestamp `seconds` into the past."""
    session = client.session
    session[key] = session[key] - seconds
    session.save()


def test_a_login_stamps_and_indexes_the_session(world, educateur, client_for):
    client = client_for(educateur)
    session = client.session
    assert isinstance(session[sessions.STARTED_KEY], int)
    assert isinstance(session[sessions.ACTIVITY_KEY], int)
    assert UserSession.objects.filter(user=educateur, session_key=session.session_key).exists()


def test_session_ends_after_the_inactivity_timeout(world, educateur, client_for, settings):
    assert settings.SESSION_IDLE_TIMEOUT == 1800
    client = client_for(educateur)
    shift(client, sessions.ACTIVITY_KEY, 1799)
    assert client.get(HOME).status_code == 200

    client = client_for(educateur)
    shift(client, sessions.ACTIVITY_KEY, 1801)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("Votre session a pris fin" in m for m in messages)
    assert LoginEvent.objects.filter(
        user=educateur, kind=LoginEventKind.SESSION_EXPIRED, detail="inactivité"
    ).exists()
    assert client.get(HOME).status_code == 302


def test_inactivity_timeout_is_configurable(world, educateur, client_for, settings):
    settings.SESSION_IDLE_TIMEOUT = 300
    client = client_for(educateur)
    shift(client, sessions.ACTIVITY_KEY, 301)
    assert client.get(HOME).status_code == 302


def test_activity_pushes_the_inactivity_deadline(world, educateur, client_for):
    client = client_for(educateur)
    shift(client, sessions.ACTIVITY_KEY, 1000)
    assert client.get(HOME).status_code == 200
    shift(client, sessions.ACTIVITY_KEY, 1000)
    assert client.get(HOME).status_code == 200, "the previous request counted as activity"


def test_session_ends_after_its_absolute_lifetime_even_when_active(
    world, educateur, client_for, settings
):
    assert settings.SESSION_ABSOLUTE_LIFETIME == 12 * 3600
    client = client_for(educateur)
    shift(client, sessions.STARTED_KEY, 12 * 3600 + 1)
    response = client.get(HOME)
    assert response.status_code == 302
    assert LoginEvent.objects.filter(
        kind=LoginEventKind.SESSION_EXPIRED, detail="durée maximale"
    ).exists()


def test_session_without_timestamps_is_not_trusted(world, educateur, client_for):
    client = client_for(educateur)
    session = client.session
    del session[sessions.STARTED_KEY]
    session.save()
    assert client.get(HOME).status_code == 302


def test_log_out_everywhere_ends_every_session_of_the_account_only(
    world, educateur, directeur, client_for
):
    tablet, phone = client_for(educateur), client_for(educateur)
    other = client_for(directeur)
    assert UserSession.objects.filter(user=educateur).count() == 2

    response = tablet.post(reverse("securite:deconnexion-partout"))
    assert response["Location"] == LOGIN
    assert tablet.get(HOME).status_code == 302
    assert phone.get(HOME).status_code == 302
    assert other.get(HOME).status_code == 200
    assert not UserSession.objects.filter(user=educateur).exists()
    assert LoginEvent.objects.filter(
        user=educateur, kind=LoginEventKind.LOGOUT_EVERYWHERE, detail="2 session(s)"
    ).exists()


def test_log_out_everywhere_needs_a_post(world, educateur, client_for):
    assert client_for(educateur).get(reverse("securite:deconnexion-partout")).status_code == 405


def test_logout_forgets_the_session_index_row(world, educateur, client_for):
    client = client_for(educateur)
    client.post(reverse("securite:logout"))
    assert not UserSession.objects.filter(user=educateur).exists()


def test_password_change_keeps_this_session_and_ends_the_others(world, educateur, client_for):
    here, elsewhere = client_for(educateur), client_for(educateur)
    response = here.post(
        reverse("securite:mot-de-passe-changer"),
        {
            "old_password": "Mot-de-passe-de-test-2026",
            "new_password1": "une phrase de passe assez longue",
            "new_password2": "une phrase de passe assez longue",
        },
    )
    assert response["Location"] == reverse("securite:compte")
    assert here.get(HOME).status_code == 200
    assert elsewhere.get(HOME).status_code == 302
    assert UserSession.objects.filter(user=educateur).count() == 1
    assert LoginEvent.objects.filter(user=educateur, kind=LoginEventKind.PASSWORD_CHANGED).exists()


def test_account_security_page_lists_sessions_and_factors(world, educateur, client_for):
    client = client_for(educateur)
    response = client.get(reverse("securite:compte"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "(cette session)" in content
    assert "Se déconnecter partout" in content
    assert "Application d'authentification" in content or "Tests" in content
