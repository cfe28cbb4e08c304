from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "meidu.core"
    label = "core"
    verbose_name = "Meidu core"

    def ready(self):
        from meidu.core.statements import statement_public_jwks
        from meidu.core.views import jwks_source_register

        jwks_source_register(statement_public_jwks)  # signed statements' Ed25519 keys
        from meidu.core.replicas.router import allowed_models

        allowed_models()  # REPLICA_READ_MODELS may not open a REPLICA_NEVER_MODELS table to a replica
