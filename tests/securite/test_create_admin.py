"""`manage.py create_admin`: the way to the first technical administrator."""

import pytest
from django.core.management import CommandError, call_command

from securite.models import TypeCompte, Utilisateur

pytestmark = pytest.mark.django_db


def test_creates_a_technical_administrator_admitted_by_the_admin_site(tmp_path, world):
    secret = tmp_path / "pw"
    secret.write_text("lanterne-verte-du-quai-nord\n")
    call_command(
        "create_admin",
        "admin.site",
        "--password-file",
        str(secret),
        "--organisme",
        world.organisme.pk,
    )
    user = Utilisateur.objects.get(username="admin.site")
    assert user.type_compte == TypeCompte.TECHNIQUE
    assert user.is_staff and user.is_superuser and user.organisme == world.organisme
    assert user.check_password("lanterne-verte-du-quai-nord")


def test_refuses_a_short_password_and_saves_nothing(tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("court-mais-12")  # 13 characters: enough for a professional only
    with pytest.raises(CommandError, match="16 caractères"):
        call_command("create_admin", "admin.site", "--password-file", str(secret))
    assert not Utilisateur.objects.filter(username="admin.site").exists()


def test_refuses_an_existing_account_or_an_unknown_organisme(tmp_path, educateur):
    secret = tmp_path / "pw"
    secret.write_text("lanterne-verte-du-quai-nord")
    with pytest.raises(CommandError, match="existe déjà"):
        call_command("create_admin", educateur.username, "--password-file", str(secret))
    with pytest.raises(CommandError, match="Organisme inconnu"):
        call_command("create_admin", "x", "--password-file", str(secret), "--organisme", "999999")
