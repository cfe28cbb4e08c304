"""The signed hash chain: a forged signature, an edited event, a reordered chain or an edited receipt
row are all detected; public keys are published as OKP/Ed25519 JWKs; rotation keeps old events valid."""

import hashlib
import json

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.test import Client

from magnesium_exchange.warehouses.models import Receipt, ReceiptEvent
from magnesium_exchange.warehouses.services import receipt_freeze, receipt_split, warehouse_key_rotate
from magnesium_exchange.warehouses.services.chain import content_of
from magnesium_exchange.warehouses.signing import b64url_decode, canonical_json, okp_thumbprint
from magnesium_exchange.warehouses.verification import receipt_verify
from meidu.core.keys import b64url


def test_a_fresh_chain_verifies_offline_with_the_published_key(receipt_factory, seller_member, warehouse):
    receipt = receipt_factory(seller_member)
    receipt_freeze(receipt, reason="抽查")
    result = receipt_verify(receipt)
    assert result.valid and result.events == 2 and result.problems == []
    # Offline: recompute from the stored fields and the JWKS document only.
    jwks = Client().get("/.well-known/jwks.json").json()["keys"]
    okp = [k for k in jwks if k.get("kty") == "OKP"]
    assert okp and all(k["crv"] == "Ed25519" and k["alg"] == "EdDSA" for k in okp)
    assert any(k.get("kty") == "RSA" for k in jwks)  # the foundation's own keys are still there
    for event in ReceiptEvent.objects.filter(receipt=receipt).order_by("seq"):
        jwk = next(k for k in okp if k["kid"] == event.kid)
        assert jwk["kid"] == okp_thumbprint(b64url_decode(jwk["x"]))
        message = canonical_json(content_of(event))
        assert hashlib.sha256(message).hexdigest() == event.hash
        Ed25519PublicKey.from_public_bytes(b64url_decode(jwk["x"])).verify(b64url_decode(event.signature), message)


def test_forged_signature_is_detected(receipt_factory, seller_member):
    receipt = receipt_factory(seller_member)
    event = receipt.events.get()
    forger = Ed25519PrivateKey.generate()  # someone without the warehouse's key re-signs the content
    ReceiptEvent.objects.filter(pk=event.pk).update(signature=b64url(forger.sign(canonical_json(content_of(event)))))
    result = receipt_verify(receipt)
    assert not result.valid and any("signature invalid" in p for p in result.problems)


def test_edited_event_is_detected_even_when_rehashed(receipt_factory, seller_member):
    receipt = receipt_factory(seller_member)
    event = receipt.events.get()
    data = event.data
    data["elements"]["quantity"] = "1000.000"
    ReceiptEvent.objects.filter(pk=event.pk).update(data=data)
    result = receipt_verify(receipt)
    assert not result.valid and any("does not match its hash" in p for p in result.problems)
    # Recomputing the hash does not help: the signature covers the content.
    event.refresh_from_db()
    ReceiptEvent.objects.filter(pk=event.pk).update(hash=hashlib.sha256(canonical_json(content_of(event))).hexdigest())
    Receipt.objects.filter(pk=receipt.pk).update(last_hash=ReceiptEvent.objects.get(pk=event.pk).hash)
    result = receipt_verify(receipt)
    assert not result.valid and any("signature invalid" in p for p in result.problems)


def test_removed_event_and_edited_row_are_detected(receipt_factory, seller_member):
    receipt = receipt_factory(seller_member, net="100")
    receipt_freeze(receipt, reason="x")
    Receipt.objects.filter(pk=receipt.pk).update(quantity="150.000")
    result = receipt_verify(receipt)
    assert not result.valid and any("quantity" in p for p in result.problems)
    Receipt.objects.filter(pk=receipt.pk).update(quantity="100.000")
    assert receipt_verify(receipt).valid
    # Drop the freeze event and restore the row: the chain head and the status no longer match.
    ReceiptEvent.objects.filter(receipt=receipt, seq=2).delete()
    Receipt.objects.filter(pk=receipt.pk).update(status="active")
    assert not receipt_verify(receipt).valid


def test_signature_from_another_warehouse_key_is_detected(receipt_factory, seller_member, other_warehouse):
    receipt = receipt_factory(seller_member)
    foreign_kid = other_warehouse.keys.get().kid
    ReceiptEvent.objects.filter(receipt=receipt).update(kid=foreign_kid)
    result = receipt_verify(receipt)
    assert not result.valid and any("not this warehouse's" in p for p in result.problems)


def test_rotation_keeps_old_events_valid_and_signs_new_ones_with_the_new_key(receipt_factory, seller_member, warehouse):
    receipt = receipt_factory(seller_member, net="10")
    old_kid = receipt.events.get().kid
    new_key = warehouse_key_rotate(warehouse)
    parts = receipt_split(receipt, ["4", "6"])
    assert receipt.events.order_by("-seq").first().kid == new_key.kid != old_kid
    assert all(receipt_verify(r).valid for r in [receipt, *parts])
    kids = {k["kid"] for k in json.loads(Client().get("/.well-known/jwks.json").content)["keys"]}
    assert {old_kid, new_key.kid} <= kids
