import pytest

from .helpers import projet_brouillon, projet_en_cours


@pytest.fixture
def brouillon(educateur, resident):
    """A draft plan of the resident, the educator of unit A being its référent."""
    return projet_brouillon(referent=educateur, usager=resident)


@pytest.fixture
def en_cours(educateur, chef_service, resident):
    """A plan in force (validated, started on 15/01/2025) of the resident."""
    return projet_en_cours(referent=educateur, chef=chef_service, usager=resident)
