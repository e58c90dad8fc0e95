"""What is held with an application goes with it: the purge deletes each dependent
set-based (their foreign keys do nothing on their own), so a model missing from the
list would leave rows pointing at nothing, or stop every purge."""

from ats.models import DEPENDENTS, Application


def test_every_model_that_points_at_an_application_is_deleted_with_it():
    # Application._meta.related_objects, and the hidden ones (related_name="+") too:
    # their foreign keys hold in the database all the same.
    pointing = {
        relation.related_model
        for relation in Application._meta.get_fields(include_hidden=True)
        if relation.auto_created and not relation.concrete
    }
    assert set(DEPENDENTS) == pointing
