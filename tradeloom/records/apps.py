from django.apps import AppConfig


class RecordsConfig(AppConfig):
    """Generic machinery for versioned, archivable, audited records: the model base, its services, its API
    resource and its web pages (docs/modules.md: a record module declares these and gets the rest)."""

    name = "tradeloom.records"
    label = "records"
    verbose_name = "Records"

    def ready(self) -> None:
        from django.apps import apps

        from tradeloom.audit.actions import actions_register
        from tradeloom.audit.sentences import sentences_register
        from tradeloom.records.models import RecordModel
        from tradeloom.records.services import RECORD_SENTENCES, RECORD_VERBS, record_action

        for model in apps.get_models():
            if issubclass(model, RecordModel):
                actions_register(
                    (record_action(model, verb) for verb in RECORD_VERBS), source=f"records: {model._meta.label}"
                )
                # "Ann changed customer Bayside"; an app's own sentence for one of them stays (orders: created)
                sentences_register(
                    {record_action(model, verb): sentence for verb, sentence in RECORD_SENTENCES.items()},
                    replace=False,
                )
