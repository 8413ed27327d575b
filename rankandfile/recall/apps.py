from django.apps import AppConfig


class RecallConfig(AppConfig):
    name = "rankandfile.recall"
    label = "recall"
    verbose_name = "Recall"

    def ready(self) -> None:
        # The recall ballot's close ends the term and opens the election for the remainder (services.py).
        from rankandfile.ballots.services import decision_handler_register
        from rankandfile.recall.services import petition_record_result

        decision_handler_register(petition_record_result)
