"""Who sees adverse events: the declarant and the managers of the establishment."""

from tests.factories import EvenementIndesirableFactory, SejourFactory
from usagers.quotidien.acces import incident_can_manage, incidents_visibles


def test_incidents_are_seen_by_their_declarant_and_the_managers_of_the_establishment(
    world, educateur, infirmier, chef_service, directeur, educateur_ime
):
    own = EvenementIndesirableFactory(
        sejour=SejourFactory(unite=world.unite_a), declarant=educateur
    )
    other = EvenementIndesirableFactory(sejour=SejourFactory(unite=world.unite_a))
    ime = EvenementIndesirableFactory(sejour=SejourFactory(unite=world.unite_ime))
    assert set(incidents_visibles(educateur)) == {own}
    assert set(incidents_visibles(infirmier)) == set()
    assert set(incidents_visibles(chef_service)) == {own, other}
    assert set(incidents_visibles(directeur)) == {own, other, ime}
    assert set(incidents_visibles(educateur_ime)) == set()
    assert incident_can_manage(chef_service) and not incident_can_manage(educateur)
