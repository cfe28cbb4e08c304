"""Record an audit event inside the caller's transaction (it commits or rolls back with the act)."""

from meidu.core.audit.models import AuditEvent


def audit_record(action: str, *, actor_user=None, actor_app=None, target=None, data=None, ip_address=None) -> AuditEvent:
    return AuditEvent.objects.create(
        action=action,
        actor_user=actor_user if getattr(actor_user, "is_authenticated", False) else None,
        actor_app=actor_app,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
        ip_address=ip_address,
    )
