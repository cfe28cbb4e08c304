"""Record an audit event inside the caller's transaction (it commits or rolls back with the act)."""

from meidu.core.audit.models import AuditEvent


def audit_record(action: str, *, actor=None, target=None, data=None, ip_address=None) -> AuditEvent:
    """``actor`` is a user or an app (whoever called the API); anonymous callers are stored as none."""
    # The app model is whatever AuditEvent.actor_app points to (integrations.App): core imports no domain.
    is_app = isinstance(actor, AuditEvent._meta.get_field("actor_app").related_model)
    return AuditEvent.objects.create(
        action=action,
        actor_user=actor if (not is_app and getattr(actor, "is_authenticated", False)) else None,
        actor_app=actor if is_app else None,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
        ip_address=ip_address,
    )
